// Where dfdaemon's log is on kind, by client version: clients from v1.4.1 run with `--console` (the
// chart's default `console: true`) log to stdout only, so `kubectl logs` has it; older clients write
// /var/log/dragonfly/dfdaemon/*.log. Plus the time arithmetic both need: the chapters mark phases
// with the node's clock ("YYYY-MM-DD HH:MM:SS", UTC in kind nodes), kubectl wants RFC 3339.
import semver from 'semver'
import { DRAGONFLY_PATHS } from '../render/index.ts'
import { releaseOf } from '../base/version-parse.ts'

export type LogSource = 'stdout' | 'file'

export const CONSOLE_ONLY_SINCE = 'v1.4.1'

/** a >= b for x.y.z versions (pre-release suffixes count as the release). */
export function versionAtLeast(a: string, b: string): boolean {
  const x = releaseOf(a)
  const y = releaseOf(b)
  if (!x || !y) throw new Error(`not a version: ${x ? b : a}`)
  return semver.gte(x, y)
}

export function clientLogSource(clientVersion: string, console: boolean): LogSource {
  return console && versionAtLeast(clientVersion, CONSOLE_ONLY_SINCE) ? 'stdout' : 'file'
}

/** The shell line that prints the file log (inside a node for hostPath logs, or inside the pod). */
export const FILE_LOG_SCRIPT = `cat ${DRAGONFLY_PATHS.dfdaemonLogDir}/*.log 2>/dev/null || true`

const NODE_CLOCK = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/

/** RFC 3339 for `kubectl logs --since-time`: a node clock reading without zone is UTC (kind nodes). */
export function toSinceTime(since: string): string {
  const m = NODE_CLOCK.exec(since.trim())
  if (!m) throw new Error(`not a time: ${JSON.stringify(since)} (expected YYYY-MM-DD HH:MM:SS or RFC 3339)`)
  const zone = m[3] ?? 'Z'
  return new Date(`${m[1]}T${m[2]}${zone}`).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const LINE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/

/**
 * The lines logged at or after `since`. Lines without a leading timestamp (continuations of a
 * multi-line message) go with the line before them.
 */
export function linesSince(text: string, since: string): string {
  const from = Date.parse(toSinceTime(since))
  const out: string[] = []
  let keep = false
  for (const line of text.split('\n')) {
    const m = LINE_TIME.exec(line)
    if (m) keep = Date.parse(m[1]!) >= from
    if (keep) out.push(line)
  }
  return out.join('\n')
}
