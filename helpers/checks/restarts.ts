// `no-restarts`: no Dragonfly component restarted on its own after the suite saw it ready. A pod
// (kind) or a unit (local) that restarts at start-up, before it is ready, is reported with why (the
// chart's seed peer and clients exit while the scheduler is not yet known to the manager); one that
// restarts after it served is red: it crashed under the suite's load.
import type { Verdict } from './verdict.ts'

/** One component instance's restarts as its platform counts them. */
export interface RestartRecord {
  component: string
  where: string
  /** what stays the same across its own restarts: a pod's uid, a unit on a node */
  key: string
  /** restarts of its own (kubelet's restartCount, systemd's NRestarts) */
  restarts: number
  ready: boolean
  /** how the last run before the restart ended, and its last error line, when it restarted */
  last?: string
}

/**
 * The restart count of each instance when the suite first saw it ready. A count that went down (a
 * unit restarted by the suite: systemd flushes NRestarts on a manual restart) is taken anew.
 */
export class RestartLedger {
  private readonly atReady = new Map<string, number>()

  observe(records: RestartRecord[]): void {
    for (const r of records) {
      const seen = this.atReady.get(r.key)
      if (r.ready && (seen === undefined || r.restarts < seen)) this.atReady.set(r.key, r.restarts)
    }
  }

  /** Each record with its restarts since it was first seen ready (undefined: never seen ready). */
  since(records: RestartRecord[]): (RestartRecord & { sinceReady?: number })[] {
    return records.map((r) => {
      const seen = this.atReady.get(r.key)
      return seen === undefined ? r : { ...r, sinceReady: Math.max(0, r.restarts - seen) }
    })
  }
}

/**
 * A line that reports an error: the log level ERROR or FATAL (dfdaemon, the scheduler), a panic, or
 * the process's own last words ("Error: available schedulers not found"). Not "os error 2" in an INFO line.
 */
export const SAYS_ERROR = /\b(ERROR|FATAL)\b|\bpanic(ked)?\b|^Error: /

const plural = (n: number) => `${n} restart${n === 1 ? '' : 's'}`

export function noRestartsAfterReady(rows: (RestartRecord & { sinceReady?: number })[]): Verdict {
  if (rows.length === 0)
    return { passed: false, diagnosis: 'no Dragonfly component found to count restarts of', evidence: rows }
  const after = rows.filter((r) => (r.sinceReady ?? 0) > 0)
  const line = (r: RestartRecord & { sinceReady?: number }) =>
    `${r.component} on ${r.where}: ${plural(r.restarts)}` +
    (r.sinceReady === undefined
      ? ' (never seen ready by the suite)'
      : r.restarts > 0
        ? ` (${r.sinceReady} after it was ready, ${r.restarts - r.sinceReady} before)`
        : '') +
    (r.restarts > 0 && r.last ? `; last: ${r.last}` : '')
  return {
    passed: after.length === 0,
    diagnosis: after.length
      ? `${after.map(line).join('; ')}: restarted on its own after it was ready (a crash under load; see its previous log)`
      : `no component restarted after it was ready: ${rows.map(line).join('; ')}`,
    evidence: rows,
  }
}

/**
 * For a fault entry: which instances restarted on their own between two readings (before the
 * inject, after the pull); a unit the entry restarted on purpose flushed its count and is not one.
 */
export function restartedBetween(before: RestartRecord[], after: RestartRecord[]): Verdict {
  const grown = after
    .map((a) => ({ a, b: before.find((b) => b.key === a.key) }))
    .filter(({ a, b }) => b !== undefined && a.restarts > b.restarts)
  return {
    passed: grown.length === 0,
    diagnosis: grown.length
      ? grown
          .map(
            ({ a, b }) =>
              `${a.component} on ${a.where} restarted on its own ${a.restarts - b!.restarts} time(s) during the pull${a.last ? `; last: ${a.last}` : ''}`,
          )
          .join('; ')
      : `no component restarted on its own during the pull (${after.length} counted)`,
    evidence: { before, after },
  }
}
