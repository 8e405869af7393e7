// The stargz snapshotter's verdict per layer, from its journal. containerd-stargz-grpc logs JSON
// (logrus) lines; journalctl wraps each in a syslog-style prefix (`-o short`, `-o short-iso`, ...),
// `-o cat` and `docker logs` give them bare, and `-o json` nests them in a MESSAGE field.
//
// What the snapshotter logs once per layer when containerd first asks for it (debug level only):
//   success  "msg":"prepared remote snapshot",        "remote-snapshot-prepared":"true"
//   failure  "msg":"failed to prepare remote snapshot", "remote-snapshot-prepared":"false", "error":...
// after which containerd silently falls back to a full pull of that layer. Both lines carry only the
// snapshot `key` ("<namespace>/<id>/extract-<random> <chainID>") and `parent`; the layer digest and
// image ref appear on earlier lines with the same key ("resolving" has `src` = <ref>/<digest>,
// "using default handler" has `digest` and `ref`), so they are joined by key.
//
// With stargz's FUSE manager those earlier lines come from the manager process, into its own log file
// (<root>/stargz-fuse-manager.log), and carry the `mountpoint` instead of the key. The journal's
// "preparing filesystem mount at mountpoint=<dir>" line (key and mountpoint) joins them.
import { eachLine, type LineInput } from './lines.ts'

export type StargzOutcome = 'prepared' | 'failed'

export interface StargzSnapshotFact {
  outcome: StargzOutcome
  /** containerd's snapshot key, unique per preparation */
  key: string
  /** the layer's chain id (the key's last word), which identifies the layer stack */
  chainId?: string
  /** containerd namespace that prepared it (the key's first segment: "default" for nerdctl, "k8s.io" for the CRI) */
  namespace?: string
  /** compressed layer digest (sha256:...), when an earlier line with the same key named it */
  layerDigest?: string
  /** image reference the layer was resolved from */
  ref?: string
  parent?: string
  /** the snapshotter's `error` on failure */
  error?: string
  /** the line's own time field, else the journal prefix's timestamp */
  time?: string
  /** journal host name, when the line had a syslog-style prefix */
  host?: string
}

/** A warning or error after preparation that names a layer (a lazy read or background fetch failed). */
export interface StargzLayerProblem {
  level: string
  msg: string
  error?: string
  /** layer digests the line names (in any field, or through its snapshot key) */
  digests: string[]
  time?: string
}

export interface StargzJournalSummary {
  prepared: number
  failed: number
  /** warnings and errors naming a layer digest, other than the prepare outcome itself */
  layerProblems: StargzLayerProblem[]
  /** one entry per prepared or failed snapshot, in log order */
  snapshots: StargzSnapshotFact[]
  /** lines that carried JSON we could not parse (truncated or corrupt lines are skipped) */
  malformed: number
  lines: number
}

/** One journal line reduced to its JSON payload and prefix facts. */
export interface StargzLogEntry {
  fields: Record<string, unknown>
  prefixTime?: string
  host?: string
}

// `<timestamp...> <host> <identifier>[<pid>]: ` — the timestamp may hold spaces (`-o short`: "Nov 27
// 20:56:38"), so the host and identifier are taken from the end of the prefix.
const SYSLOG_PREFIX = /^(?<time>.+?) (?<host>\S+) (?<ident>[^\s[\]]+)(?:\[\d+\])?: $/
const CHAIN_ID = /\s(sha256:[0-9a-f]{64})$/
// containerd's metadata store names a backend snapshot "<namespace>/<id>/<key>"
const NAMESPACE = /^([^/\s]+)\/\d+\//
const DIGEST = /^sha256:[0-9a-f]{64}$/
const ANY_DIGEST = /sha256:[0-9a-f]{64}/g
const PROBLEM_LEVELS = new Set(['warning', 'error', 'fatal', 'panic'])
const MAX_PROBLEMS = 100

/**
 * Splits a journal line into its prefix and JSON payload. Returns undefined for lines without JSON
 * (systemd's own messages), and `'malformed'` for a JSON-looking payload that does not parse.
 */
export function parseStargzLine(line: string): StargzLogEntry | 'malformed' | undefined {
  const start = line.indexOf('{')
  if (start < 0) return undefined
  const prefix = line.slice(0, start)
  let prefixTime: string | undefined
  let host: string | undefined
  if (prefix.trim() !== '') {
    const m = SYSLOG_PREFIX.exec(prefix)
    if (!m?.groups) return undefined // braces inside some other kind of line
    prefixTime = m.groups.time
    host = m.groups.host
  }
  let value: unknown
  try {
    value = JSON.parse(line.slice(start))
  } catch {
    return 'malformed'
  }
  if (!isRecord(value)) return 'malformed'
  // journalctl -o json: the logrus JSON is the MESSAGE of a journal entry.
  if (typeof value.MESSAGE === 'string' && value.MESSAGE.trimStart().startsWith('{')) {
    const inner = parseStargzLine(value.MESSAGE.trim())
    if (inner === undefined || inner === 'malformed') return inner
    return { fields: inner.fields, host: str(value._HOSTNAME) ?? host, prefixTime }
  }
  return { fields: value, prefixTime, host }
}

const MOUNTPOINT_MSG = /mountpoint=(\S+)/

type LayerNames = { layerDigest?: string; ref?: string }

/** What the FUSE manager's log says of each mountpoint, and its warnings that name a layer. */
async function readManagerLog(input: LineInput | string) {
  const byMountpoint = new Map<string, LayerNames>()
  const problems: StargzLayerProblem[] = []
  let lines = 0
  let malformed = 0
  for await (const line of eachLine(input)) {
    lines++
    const entry = parseStargzLine(line)
    if (entry === undefined) continue
    if (entry === 'malformed') {
      malformed++
      continue
    }
    const f = entry.fields
    const mountpoint = str(f.mountpoint)
    const known = mountpoint === undefined ? undefined : (byMountpoint.get(mountpoint) ?? {})
    if (mountpoint !== undefined && known) {
      known.layerDigest ??= layerDigestOf(f)
      known.ref ??= str(f.ref) ?? refFromSrc(str(f.src))
      byMountpoint.set(mountpoint, known)
    }
    if (PROBLEM_LEVELS.has(str(f.level) ?? '') && problems.length < MAX_PROBLEMS) {
      const digests = new Set(JSON.stringify(f).match(ANY_DIGEST) ?? [])
      if (known?.layerDigest) digests.add(known.layerDigest)
      if (digests.size) problems.push(layerProblem(f, digests, entry.prefixTime))
    }
  }
  return { byMountpoint, problems, lines, malformed }
}

/**
 * Reads a snapshotter journal and reports every layer prepared as a remote snapshot or failed;
 * `managerLog`: the FUSE manager's log, when the snapshotter runs one.
 */
export async function parseStargzJournal(
  input: LineInput | string,
  managerLog?: LineInput | string,
): Promise<StargzJournalSummary> {
  const summary: StargzJournalSummary = {
    prepared: 0,
    failed: 0,
    layerProblems: [],
    snapshots: [],
    malformed: 0,
    lines: 0,
  }
  // Digest of each key whose outcome is known: later lines with that key name the same layer.
  const keyDigests = new Map<string, string>()
  // What earlier lines said about a key; dropped once the key's outcome is known (bounded memory).
  const pending = new Map<string, LayerNames>()
  const manager = managerLog === undefined ? undefined : await readManagerLog(managerLog)
  if (manager) {
    summary.layerProblems.push(...manager.problems)
    summary.lines += manager.lines
    summary.malformed += manager.malformed
  }

  for await (const line of eachLine(input)) {
    summary.lines++
    const entry = parseStargzLine(line)
    if (entry === undefined) continue
    if (entry === 'malformed') {
      summary.malformed++
      continue
    }
    const f = entry.fields
    const key = str(f.key)
    const outcome = outcomeOf(f)
    if (outcome === undefined && PROBLEM_LEVELS.has(str(f.level) ?? '')) {
      const digests = new Set(JSON.stringify(f).match(ANY_DIGEST) ?? [])
      const viaKey = key === undefined ? undefined : keyDigests.get(key)
      if (viaKey) digests.add(viaKey)
      if (digests.size && summary.layerProblems.length < MAX_PROBLEMS)
        summary.layerProblems.push(layerProblem(f, digests, entry.prefixTime))
    }
    if (key === undefined) continue

    if (outcome === undefined) {
      remember(pending, key, f)
      const mountpoint = MOUNTPOINT_MSG.exec(str(f.msg) ?? '')?.[1] ?? str(f.mountpoint)
      const named = mountpoint === undefined ? undefined : manager?.byMountpoint.get(mountpoint)
      if (named) {
        const known = pending.get(key) ?? {}
        known.layerDigest ??= named.layerDigest
        known.ref ??= named.ref
        pending.set(key, known)
      }
      continue
    }
    const known = pending.get(key)
    pending.delete(key)
    const fact: StargzSnapshotFact = {
      outcome,
      key,
      chainId: CHAIN_ID.exec(key)?.[1],
      namespace: NAMESPACE.exec(key)?.[1],
      layerDigest: known?.layerDigest ?? layerDigestOf(f),
      ref: known?.ref ?? str(f.ref),
      parent: str(f.parent),
      time: str(f.time) ?? entry.prefixTime,
      host: entry.host,
    }
    if (outcome === 'failed') fact.error = str(f.error) ?? 'no error field'
    dropUndefined(fact)
    if (fact.layerDigest && keyDigests.size < MAX_PROBLEMS * 10) keyDigests.set(key, fact.layerDigest)
    summary.snapshots.push(fact)
    if (outcome === 'prepared') summary.prepared++
    else summary.failed++
  }
  return summary
}

/** A warning or error line that names layers, as reported. */
function layerProblem(
  f: Record<string, unknown>,
  digests: Set<string>,
  prefixTime?: string,
): StargzLayerProblem {
  const problem: StargzLayerProblem = {
    level: str(f.level) ?? '',
    msg: str(f.msg) ?? '',
    error: str(f.error),
    digests: [...digests],
    time: str(f.time) ?? prefixTime,
  }
  dropUndefined(problem)
  return problem
}

function outcomeOf(f: Record<string, unknown>): StargzOutcome | undefined {
  // The explicit flag wins; the message is the fallback for versions that log only the message.
  const flag = f['remote-snapshot-prepared']
  if (flag === 'true' || flag === true) return 'prepared'
  if (flag === 'false' || flag === false) return 'failed'
  if (f.msg === 'prepared remote snapshot') return 'prepared'
  if (f.msg === 'failed to prepare remote snapshot') return 'failed'
  return undefined
}

function remember(pending: Map<string, LayerNames>, key: string, f: Record<string, unknown>) {
  const digest = layerDigestOf(f)
  const ref = str(f.ref) ?? refFromSrc(str(f.src))
  if (digest === undefined && ref === undefined) return
  const known = pending.get(key) ?? {}
  known.layerDigest ??= digest
  known.ref ??= ref
  pending.set(key, known)
}

function layerDigestOf(f: Record<string, unknown>): string | undefined {
  for (const candidate of [str(f.digest), str(f.layer_sha), digestFromSrc(str(f.src))]) {
    if (candidate !== undefined && DIGEST.test(candidate)) return candidate
  }
  return undefined
}

// "src":"reg:5000/fixture:1-esgz/sha256:68143b..." is <ref>/<layer digest>.
function digestFromSrc(src: string | undefined): string | undefined {
  return src?.slice(src.lastIndexOf('/') + 1)
}

function refFromSrc(src: string | undefined): string | undefined {
  if (src === undefined || src.lastIndexOf('/') < 0) return undefined
  return src.slice(0, src.lastIndexOf('/'))
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function dropUndefined(o: object): void {
  for (const [k, v] of Object.entries(o)) if (v === undefined) delete (o as Record<string, unknown>)[k]
}
