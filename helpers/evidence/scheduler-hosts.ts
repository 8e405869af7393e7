// Which dfdaemon hosts the scheduler knows, from the scheduler's own log. The most direct evidence a
// scheduler gives without a gRPC client: d7y.io/dragonfly/v2 v2.5.1 scheduler/service/service_v2.go
// AnnounceHost logs `announce host request: %#v` with the field hostID (logger.WithHostID) and then
// stores the host in its host manager unconditionally; DeleteHost logs `delete host request: %#v`
// with hostID before removing it. (Its metric dragonfly_scheduler_announce_host_total is labelled by
// OS and platform only, so it cannot say which host announced; ListHosts needs a gRPC client.)
// Both of the scheduler's log formats (internal/dflog): with `console: true` (the chart's default)
// zap's development console encoder, tab-separated, the fields last as a JSON object:
//   2026-11-27T22:13:19.530Z\tINFO\tservice/service_v2.go:549\tannounce host request: &v2.Host{…}\t{"hostID": "…"}
// otherwise core.log's JSON lines: {"level":"info","ts":"…","caller":"…","msg":"announce host request: …","hostID":"…"}
import type { LineInput } from './lines.ts'

const ANNOUNCE = 'announce host request:'
const DELETE = 'delete host request:'

/** dfdaemon's host id: `{ip}-{hostname}`, a seed peer's with `-seed` (dragonfly-client 1.5.0). */
export function dfdaemonHostId(ip: string, hostname: string, seed = false): string {
  return `${ip}-${hostname}${seed ? '-seed' : ''}`
}

export interface SchedulerHostEvent {
  kind: 'announce' | 'delete'
  hostId: string
  /** the line's timestamp as printed */
  time?: string
}

function object(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The host event a scheduler log line records, in either format; undefined for any other line. */
export function schedulerHostEvent(line: string): SchedulerHostEvent | undefined {
  let msg: string | undefined
  let fields: Record<string, unknown> | undefined
  let time: string | undefined
  const trimmed = line.trim()
  if (trimmed.startsWith('{')) {
    fields = object(trimmed)
    msg = typeof fields?.msg === 'string' ? fields.msg : undefined
    time = typeof fields?.ts === 'string' ? fields.ts : undefined
  } else {
    const parts = trimmed.split('\t')
    if (parts.length < 5) return undefined
    time = parts[0]
    const last = parts[parts.length - 1]!
    // zap writes the fields as one JSON object; tolerate an encoder that leaves the braces out
    fields = object(last) ?? object(`{${last}}`)
    msg = parts.slice(3, -1).join('\t')
  }
  const kind = msg?.startsWith(ANNOUNCE) ? 'announce' : msg?.startsWith(DELETE) ? 'delete' : undefined
  const hostId = fields?.hostID
  if (!kind || typeof hostId !== 'string' || hostId === '') return undefined
  return { kind, hostId, ...(time ? { time } : {}) }
}

export interface KnownHost {
  hostId: string
  announcements: number
  lastAnnounced?: string
}

/** Hosts the scheduler holds at the end of the log: announced, and not deleted since. */
export async function schedulerKnownHosts(input: LineInput): Promise<Map<string, KnownHost>> {
  const known = new Map<string, KnownHost>()
  for await (const line of input) {
    const e = schedulerHostEvent(line)
    if (!e) continue
    if (e.kind === 'delete') {
      known.delete(e.hostId)
      continue
    }
    const h = known.get(e.hostId) ?? { hostId: e.hostId, announcements: 0 }
    h.announcements++
    if (e.time) h.lastAnnounced = e.time
    known.set(e.hostId, h)
  }
  return known
}

/** The expected hosts (by name) the scheduler does not hold. */
export function hostsUnknownToScheduler(
  known: Map<string, KnownHost>,
  expected: { name: string; hostId: string }[],
): { name: string; hostId: string }[] {
  return expected.filter((e) => !known.has(e.hostId))
}
