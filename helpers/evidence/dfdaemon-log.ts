// dfdaemon's log (Rust crate dragonfly-client) → what happened to each task: started, succeeded,
// failed, pieces from the source (back-to-source) and pieces from other peers.
//
// Format. dfdaemon 1.5.0 logs through tracing-subscriber's fmt layer (src/tracing/mod.rs:58-85):
// compact formatter, no ANSI, no target, file and line on, system-time timer, to stdout (console) or
// to dfdaemon.log. tracing-subscriber 0.3 then prints
//   <RFC 3339 UTC, µs>Z <LEVEL padded to 5> <span>:<span>:... <file>:<line>: <message> <k>=<v>... <span fields>
// where the spans are names only (root first), the event's own fields follow the message, and the
// fields of every span in scope are appended at the end (root first). String fields are Rust-Debug
// quoted (task_id="..."), numbers bare. The Pretty formatter (asked for by some deployments) prints
//   "  <time> <LEVEL> <message>, <k>: <v>" / "    at <file>:<line>" / "    in <span> with <k>: <v>, ..."
// (spans innermost first) and a blank line. Both are read here; a prefix before the timestamp
// (kubectl --timestamps, a journal) is skipped.
//
// Task id. The proxy's download span (src/proxy/task.rs:50) and the gRPC download_task spans
// (src/grpc/dfdaemon_download.rs:297, dfdaemon_upload.rs) record host_id, task_id and peer_id; piece
// work runs inside them, and piece ids are "<task id>-<number>" (dragonfly-client-storage
// src/metadata.rs:1652), which identifies the task when a line lacks the span field.
import { eachLine, type LineInput } from './lines.ts'

export type TracingLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'

export interface DfdaemonRecord {
  time: string
  level: TracingLevel
  /** span names, root first */
  spans: string[]
  file?: string
  line?: number
  message: string
  /** event and span fields, decoded; the innermost wins on a name clash */
  fields: Record<string, string>
  format: 'compact' | 'pretty'
  /** lines that followed the record but cannot belong to it (a truncated or foreign line) */
  stray?: string
}

export type DfdaemonEventKind =
  | 'started'
  | 'succeeded'
  | 'failed'
  | 'error'
  | 'needBackToSource'
  | 'allPiecesFromSource'
  | 'rangeFromSourceDirectly'
  | 'pieceFromSourceStarted'
  | 'pieceFromSourceFinished'
  | 'pieceFromParentStarted'
  | 'pieceFromParentFinished'
  | 'pieceFromParentFailed'
  | 'pieceFromLocal'
  | 'allPiecesFromLocal'
  | 'allPiecesWithScheduler'
  | 'peerFinished'
  | 'announceFailed'
  | 'hitLocalCache'
  | 'prefetchStarted'
  | 'prefetchFinished'
  | 'prefetchFailed'
  | 'proxiedDirectly'

export interface DfdaemonEvent {
  kind: DfdaemonEventKind
  taskId?: string
  pieceNumber?: number
  parentId?: string
  /** the error text of failures and errors */
  error?: string
  /** the download URL, on 'started' */
  url?: string
  /** on 'started': the request asked for a background prefetch of the whole blob */
  prefetch?: boolean
  /** on 'started': this download is itself a background prefetch */
  isPrefetch?: boolean
  /** on 'proxiedDirectly': the request dfdaemon sent straight to the upstream */
  method?: string
  record: DfdaemonRecord
}

// The messages, exactly as dragonfly-client 1.5.0 formats them (src/ paths; same text in 1.4.3 and
// 1.5.10). `{}` / `{:?}` parts are matched loosely.
const EVENTS: readonly { kind: DfdaemonEventKind; re: RegExp }[] = [
  // info!("download task started: {:?}", RedactedDownload(..)): proxy/task.rs:127,
  // grpc/dfdaemon_download.rs:393, grpc/dfdaemon_upload.rs:355
  { kind: 'started', re: /^download task started(?:: (?<rest>.*))?$/s },
  // debug!("download task succeeded"): proxy/task.rs:262, dfdaemon_download.rs:548, dfdaemon_upload.rs:510
  { kind: 'succeeded', re: /^download task succeeded$/ },
  // error!("download failed: {}"): proxy/task.rs:310, dfdaemon_download.rs:684, dfdaemon_upload.rs:623;
  // "download failed by error: {}": dfdaemon_upload.rs:581; "download started failed: {}" (e.g. the
  // source's HEAD failed): proxy/task.rs:142, dfdaemon_download.rs:425, dfdaemon_upload.rs:387;
  // "download started failed by error: {}": proxy/task.rs:133, dfdaemon_download.rs:400,
  // dfdaemon_upload.rs:362; "get range failed: {}": proxy/task.rs:196, dfdaemon_download.rs:482
  { kind: 'failed', re: /^(?:download (?:started )?failed(?: by error)?|get range failed): (?<error>.*)$/s },
  // Errors that are not the task's failure: "download task failed: {}" (marking the task failed
  // itself failed; in proxy/mod.rs:845,854 logged outside the task's span), "download task
  // finished: {}", "download from source error: {:?}" (task.rs:533,579,624), "download with scheduler
  // error: {:?}" (task.rs:556, then back-to-source), "download back-to-source is disabled" (task.rs:608)
  {
    kind: 'error',
    re: /^(?:download task (?:failed|finished)|download from source error|download with scheduler error): (?<error>.*)$|^(?<disabled>download back-to-source is disabled.*)$/s,
  },
  // info!("need back to source response"): resource/task.rs:950 (the scheduler said: go to the source)
  { kind: 'needBackToSource', re: /^need back to source response$/ },
  // info!("all pieces are downloaded from source"): resource/task.rs:537,583,628
  { kind: 'allPiecesFromSource', re: /^all pieces are downloaded from source$/ },
  // debug!("peer downloads the range task from source directly, skipping the scheduler"): task.rs:520
  // (content or range ≤ 4 MiB, MIN_PIECE_LENGTH)
  { kind: 'rangeFromSourceDirectly', re: /^peer downloads the range task from source directly/ },
  // debug!("start to download piece {} from source"): resource/task.rs:1640,2208
  { kind: 'pieceFromSourceStarted', re: /^start to download piece (?<piece>\S+) from source$/ },
  // debug!("finished piece {} from source"): resource/task.rs:1765,2312
  { kind: 'pieceFromSourceFinished', re: /^finished piece (?<piece>\S+) from source$/ },
  // debug!("start to download piece {} from parent {:?}", piece_id, parent.id): resource/task.rs:1317
  {
    kind: 'pieceFromParentStarted',
    re: /^start to download piece (?<piece>\S+) from parent "(?<parent>[^"]*)"$/,
  },
  // debug!("finished piece {} from parent {:?} using protocol {}", .., metadata.parent_id (an
  // Option<String>), ..): resource/task.rs:1474
  {
    kind: 'pieceFromParentFinished',
    re: /^finished piece (?<piece>\S+) from parent (?:Some\("(?<parent>[^"]*)"\)|None) using protocol \S+$/,
  },
  // error!("download piece {} from parent {:?} error: {:?}"): resource/task.rs:1338
  {
    kind: 'pieceFromParentFailed',
    re: /^download piece (?<piece>\S+) from parent "(?<parent>[^"]*)" error: (?<error>.*)$/s,
  },
  // debug!("finished piece {} from local"): resource/task.rs:1963, resource/piece.rs:375,503
  { kind: 'pieceFromLocal', re: /^finished piece (?<piece>\S+) from local$/ },
  // info!("all pieces are downloaded from local"): resource/task.rs:462,503
  { kind: 'allPiecesFromLocal', re: /^all pieces are downloaded from local$/ },
  // info!("all pieces are downloaded with scheduler"): resource/task.rs:602
  { kind: 'allPiecesWithScheduler', re: /^all pieces are downloaded with scheduler$/ },
  // debug!("sent DownloadPeerFinishedRequest") / ("sent DownloadPeerBackToSourceFinishedRequest"):
  // resource/task.rs:805,907,1044,1213: the whole task (not a range of it) is complete on this peer
  // and the scheduler was told so; the end of a background prefetch.
  { kind: 'peerFinished', re: /^sent DownloadPeer(?:BackToSource)?FinishedRequest$/ },
  // error!("announce peer failed: {:?}"): resource/task.rs:715. The scheduler refused this peer's
  // announce, e.g. "event Download inappropriate in current state Running" when the proxy's prefetch
  // announces the peer a range request is already running (fixtures/logs/prefetch-announce-refused).
  { kind: 'announceFailed', re: /^announce peer failed: (?<error>.*)$/s },
  // info!("hit local cache response"): resource/task.rs:1175
  { kind: 'hitLocalCache', re: /^hit local cache response$/ },
  // info!("prefetch task started" / "prefetch task finished"), error!("prefetch task failed: {}"):
  // proxy/task.rs:379,415,383, grpc/mod.rs:114,138,119. In the proxy these run outside the task's
  // span, so they usually stay unattributed.
  { kind: 'prefetchStarted', re: /^prefetch task started$/ },
  { kind: 'prefetchFinished', re: /^prefetch task finished$/ },
  { kind: 'prefetchFailed', re: /^prefetch task failed: (?<error>.*)$/s },
  // info!("proxy HTTP request directly to remote server: {:?}", request): proxy/mod.rs:517; a request
  // no rule matched (or not a GET) goes to the upstream without a task
  {
    kind: 'proxiedDirectly',
    re: /^proxy HTTP request directly to remote server: Request \{ method: (?<method>\w+), uri: (?<uri>[^,\s]+)/s,
  },
]

const HEADER =
  /(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+(?<level>TRACE|DEBUG|INFO|WARN|ERROR) (?<rest>.*)$/s
// compact: "<span>:<span>: <file>:<line>: <body>" (spans optional)
const COMPACT_REST =
  /^(?:(?<spans>(?:[A-Za-z_][A-Za-z0-9_]*:)+) )?(?<file>[^\s:]+):(?<line>\d+): ?(?<body>.*)$/s
const PRETTY_AT = /^\s+at (?<file>\S+?):(?<line>\d+)\s*$/
const PRETTY_IN = /^\s+in (?<span>[A-Za-z_][\w:]*)(?: with (?<fields>.*))?$/
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g
const PIECE_ID = /^(?<task>.+)-(?<number>\d+)$/
/** A record longer than this (a runaway multi-line message) is cut; memory stays bounded. */
const MAX_RECORD_CHARS = 64 * 1024

/** The log's records, one per event, whichever of the two formats it is in. */
export async function* dfdaemonRecords(input: LineInput | string): AsyncGenerator<DfdaemonRecord> {
  let open: OpenRecord | undefined
  for await (const raw of eachLine(input)) {
    const line = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw
    const header = HEADER.exec(line)
    if (header?.groups) {
      if (open) yield close(open)
      open = start(
        header.groups.time ?? '',
        (header.groups.level ?? 'INFO') as TracingLevel,
        header.groups.rest ?? '',
      )
      continue
    }
    if (!open) continue // lines before the first record (a banner, a panic without a header)
    const at = PRETTY_AT.exec(line)
    const within = at ? undefined : PRETTY_IN.exec(line)
    if (at?.groups) {
      open.format = 'pretty'
      open.file = at.groups.file
      open.line = Number(at.groups.line)
    } else if (within?.groups) {
      open.format = 'pretty'
      open.prettySpans.push({ name: within.groups.span ?? '', fields: within.groups.fields ?? '' })
    } else if (line.trim() === '') {
      if (open.format === 'pretty') {
        yield close(open)
        open = undefined
      }
    } else if (open.body.length < MAX_RECORD_CHARS) {
      // a message that spans lines (an error's Display with newlines)
      open.body += '\n' + line
    }
  }
  if (open) yield close(open)
}

/** What a record says about a task, if anything. */
export function classifyDfdaemonRecord(record: DfdaemonRecord): DfdaemonEvent | undefined {
  for (const { kind, re } of EVENTS) {
    const m = re.exec(record.message)
    if (!m) continue
    const g = m.groups ?? {}
    const event: DfdaemonEvent = { kind, record }
    const piece = g.piece !== undefined ? PIECE_ID.exec(g.piece)?.groups : undefined
    const taskId = record.fields.task_id ?? piece?.task
    if (taskId !== undefined && taskId !== '') event.taskId = taskId
    if (piece?.number !== undefined) event.pieceNumber = Number(piece.number)
    if (g.parent !== undefined) event.parentId = g.parent
    const error = g.error ?? g.disabled
    if (error !== undefined) event.error = error
    if (kind === 'started' && g.rest !== undefined) {
      const url = /^Download \{ url: "(?<url>(?:[^"\\]|\\.)*)"/.exec(g.rest)?.groups?.url
      if (url !== undefined) event.url = unescapeRust(url)
      const prefetch = /\bprefetch: (true|false)\b/.exec(g.rest)?.[1]
      const isPrefetch = /\bis_prefetch: (true|false)\b/.exec(g.rest)?.[1]
      if (prefetch !== undefined) event.prefetch = prefetch === 'true'
      if (isPrefetch !== undefined) event.isPrefetch = isPrefetch === 'true'
    }
    if (kind === 'proxiedDirectly') {
      event.method = g.method
      event.url = g.uri
    }
    return event
  }
  return undefined
}

export interface DfdaemonTaskFacts {
  taskId: string
  /** download URLs seen on 'started' */
  urls: string[]
  peerIds: string[]
  hostIds: string[]
  started: number
  /** proxied requests that did not ask for a background prefetch (proxy.prefetch off) */
  startedWithoutPrefetch: number
  succeeded: number
  failed: number
  /** failure and error messages, the first MAX_TASK_ERRORS */
  errors: string[]
  backToSource: {
    /** the scheduler answered NeedBackToSource */
    needBackToSource: number
    allPiecesFromSource: number
    /** small content or range fetched from the source without asking the scheduler */
    rangeFromSourceDirectly: number
    piecesStarted: number
    piecesFinished: number
    /** distinct piece numbers finished from the source, on any path */
    pieceNumbers: number[]
    /**
     * piece number → times it finished from the source, on any path: a piece read for a small range and
     * then again as the task's back-to-source left the origin twice
     */
    fetchesPerPiece: Record<number, number>
    /**
     * distinct piece numbers finished from the source for a small range request, without the
     * scheduler (the `download_partial_from_source` span): this node's own lazy reads, not the
     * cluster's shared back-to-source transfer
     */
    smallRangePieceNumbers: number[]
  }
  remotePeer: { piecesStarted: number; piecesFinished: number; piecesFailed: number; parents: string[] }
  /** when things happened to the pieces, from dfdaemon's own timestamps (the earliest of each) */
  pieceClock: PieceClock
  local: { piecesFinished: number; allPiecesFromLocal: number; hitLocalCache: number }
  allPiecesWithScheduler: number
  /** the whole task completed on this peer and the scheduler was told (DownloadPeer…FinishedRequest) */
  peerFinished: number
  /** the scheduler refused an announce of this peer for the task (the first refusal's error) */
  announceFailed: number
  announceError?: string
  firstSeen: string
  lastSeen: string
}

/**
 * The piece times the single back-to-source verdict needs to tell a by-design on-demand source read
 * from one P2P should have served. Each map is bounded by the blob's piece count.
 */
export interface PieceClock {
  /** piece → when this peer started fetching it from the source for a small range (no scheduler) */
  smallRangeStartedAt: Record<number, string>
  /**
   * piece → when the range request that read it from the source reached dfdaemon (its `download task
   * started`): dfdaemon decided between waiting and the source after that, and before the read
   */
  smallRangeRequestedAt: Record<number, string>
  /**
   * piece → when this peer finished it through the scheduler: from a parent, or from the source as
   * the task's scheduled back-to-source. Only such pieces are announced to the scheduler, so only
   * they can be served to other peers.
   */
  scheduledFinishedAt: Record<number, string>
  /** piece → when this peer finished it from a parent */
  parentFinishedAt: Record<number, string>
  /**
   * piece → when this peer's own scheduled download of it started (from a parent, or from the source
   * as scheduled back-to-source): from then on a range request for it waits for it (in flight)
   */
  scheduledStartedAt: Record<number, string>
  /** when this peer first started a piece from a parent: the scheduler had named its parents */
  firstParentPieceAt?: string
}

export interface DfdaemonLogSummary {
  tasks: Record<string, DfdaemonTaskFacts>
  /** events of interest that carried no task id, by kind */
  unattributed: Partial<Record<DfdaemonEventKind, number>>
  /**
   * blob digests whose proxy prefetch ended (finished or failed), read from the line's url field: the
   * whole blob's task is over on this node even when the scheduler was never told (its announce
   * refused, the prefetch fetched from the source: kind run of 2026-12-06, fixtures/logs/prefetch-announce-refused)
   */
  prefetchEnded?: string[]
  records: number
  /** requests dfdaemon proxied straight to the upstream, without a task (the first MAX_LIST) */
  proxiedDirectly: { method: string; url: string }[]
  /** how many there were in all */
  proxiedDirectlyCount: number
  /** records by level: no DEBUG records means the evidence the checks need was never logged */
  levels: Partial<Record<TracingLevel, number>>
  /** records followed by a line that could not belong to them */
  strayLines: number
}

const MAX_TASK_ERRORS = 20
/**
 * The span dfdaemon 1.5.0 opens for a range request of at most 4 MiB whose pieces it lacks, fetched
 * from the source without asking the scheduler (resource/task.rs, download_partial_from_source).
 * The scheduler-directed back-to-source path is `download_partial_with_scheduler_from_source`.
 */
export const SMALL_RANGE_SPAN = 'download_partial_from_source'
const MAX_LIST = 32

/**
 * Per-task facts of a dfdaemon log. With `taskIds`, only those tasks are tracked (memory then grows
 * with the set, not with the log).
 */
export async function summarizeDfdaemonLog(
  input: LineInput | string,
  options: { taskIds?: Iterable<string> } = {},
): Promise<DfdaemonLogSummary> {
  const only = options.taskIds === undefined ? undefined : new Set(options.taskIds)
  const summary: DfdaemonLogSummary = {
    tasks: {},
    unattributed: {},
    prefetchEnded: [],
    records: 0,
    proxiedDirectly: [],
    proxiedDirectlyCount: 0,
    levels: {},
    strayLines: 0,
  }
  for await (const record of dfdaemonRecords(input)) {
    summary.records++
    summary.levels[record.level] = (summary.levels[record.level] ?? 0) + 1
    if (record.stray !== undefined) summary.strayLines++
    const event = classifyDfdaemonRecord(record)
    if (!event) continue
    if (event.kind === 'proxiedDirectly') {
      summary.proxiedDirectlyCount++
      if (summary.proxiedDirectly.length < MAX_LIST)
        summary.proxiedDirectly.push({ method: event.method ?? '', url: event.url ?? '' })
      continue
    }
    if (event.kind === 'prefetchFinished' || event.kind === 'prefetchFailed') {
      const blob = /\/blobs\/(sha256:[0-9a-f]{64})/.exec(record.fields.url ?? '')?.[1]
      if (blob && !summary.prefetchEnded!.includes(blob)) summary.prefetchEnded!.push(blob)
    }
    if (event.taskId === undefined) {
      summary.unattributed[event.kind] = (summary.unattributed[event.kind] ?? 0) + 1
      continue
    }
    if (only && !only.has(event.taskId)) continue
    apply((summary.tasks[event.taskId] ??= emptyTask(event.taskId, record.time)), event)
  }
  return summary
}

/** The summary restricted to some task ids (e.g. the blob digests of one image). */
export function selectTasks(summary: DfdaemonLogSummary, taskIds: Iterable<string>): DfdaemonLogSummary {
  const tasks: Record<string, DfdaemonTaskFacts> = {}
  for (const id of taskIds) {
    const t = summary.tasks[id]
    if (t) tasks[id] = t
  }
  return { ...summary, tasks }
}

/** Did any piece or the whole task come from the source on this node? */
export function wentBackToSource(t: DfdaemonTaskFacts): boolean {
  const b = t.backToSource
  return b.needBackToSource + b.allPiecesFromSource + b.rangeFromSourceDirectly + b.piecesStarted > 0
}

/** Did any piece come from another peer? */
export function usedRemotePeers(t: DfdaemonTaskFacts): boolean {
  return t.remotePeer.piecesFinished > 0
}

/** When each request (peer id) of a task started; kept beside the facts, not in them. */
const requestStarts = new WeakMap<DfdaemonTaskFacts, Map<string, string>>()

function apply(t: DfdaemonTaskFacts, e: DfdaemonEvent): void {
  t.lastSeen = e.record.time
  addUnique(t.peerIds, e.record.fields.peer_id)
  addUnique(t.hostIds, e.record.fields.host_id)
  if (e.error !== undefined && t.errors.length < MAX_TASK_ERRORS) t.errors.push(e.error)
  switch (e.kind) {
    case 'started':
      t.started++
      // Each proxied request is a peer of its own; its records carry that peer id.
      if (e.record.fields.peer_id) {
        const starts = requestStarts.get(t) ?? new Map<string, string>()
        requestStarts.set(t, starts)
        starts.set(e.record.fields.peer_id, e.record.time)
      }
      if (e.prefetch === false && !e.isPrefetch) t.startedWithoutPrefetch++
      addUnique(t.urls, e.url)
      break
    case 'succeeded':
      t.succeeded++
      break
    case 'peerFinished':
      t.peerFinished++
      break
    case 'announceFailed':
      t.announceFailed++
      t.announceError ??= e.error
      break
    case 'failed':
      t.failed++
      break
    case 'needBackToSource':
    case 'allPiecesFromSource':
    case 'rangeFromSourceDirectly':
      t.backToSource[e.kind]++
      break
    case 'pieceFromSourceStarted':
      t.backToSource.piecesStarted++
      if (e.record.spans.includes(SMALL_RANGE_SPAN)) {
        if (e.pieceNumber !== undefined && t.pieceClock.smallRangeStartedAt[e.pieceNumber] === undefined) {
          const requested = requestStarts.get(t)?.get(e.record.fields.peer_id ?? '')
          if (requested !== undefined) t.pieceClock.smallRangeRequestedAt[e.pieceNumber] = requested
        }
        earliest(t.pieceClock.smallRangeStartedAt, e.pieceNumber, e.record.time)
      } else earliest(t.pieceClock.scheduledStartedAt, e.pieceNumber, e.record.time)
      break
    case 'pieceFromSourceFinished':
      t.backToSource.piecesFinished++
      addPiece(t.backToSource.pieceNumbers, e.pieceNumber)
      if (e.pieceNumber !== undefined)
        t.backToSource.fetchesPerPiece[e.pieceNumber] =
          (t.backToSource.fetchesPerPiece[e.pieceNumber] ?? 0) + 1
      if (e.record.spans.includes(SMALL_RANGE_SPAN))
        addPiece(t.backToSource.smallRangePieceNumbers, e.pieceNumber)
      else earliest(t.pieceClock.scheduledFinishedAt, e.pieceNumber, e.record.time)
      break
    case 'pieceFromParentStarted':
      t.remotePeer.piecesStarted++
      addUnique(t.remotePeer.parents, e.parentId)
      if (t.pieceClock.firstParentPieceAt === undefined || e.record.time < t.pieceClock.firstParentPieceAt)
        t.pieceClock.firstParentPieceAt = e.record.time
      earliest(t.pieceClock.scheduledStartedAt, e.pieceNumber, e.record.time)
      break
    case 'pieceFromParentFinished':
      t.remotePeer.piecesFinished++
      addUnique(t.remotePeer.parents, e.parentId)
      earliest(t.pieceClock.scheduledFinishedAt, e.pieceNumber, e.record.time)
      earliest(t.pieceClock.parentFinishedAt, e.pieceNumber, e.record.time)
      break
    case 'pieceFromParentFailed':
      t.remotePeer.piecesFailed++
      break
    case 'pieceFromLocal':
      t.local.piecesFinished++
      break
    case 'allPiecesFromLocal':
      t.local.allPiecesFromLocal++
      break
    case 'hitLocalCache':
      t.local.hitLocalCache++
      break
    case 'allPiecesWithScheduler':
      t.allPiecesWithScheduler++
      break
    case 'error':
    case 'prefetchStarted':
    case 'prefetchFinished':
    case 'prefetchFailed':
    case 'proxiedDirectly':
      break
  }
}

function emptyTask(taskId: string, time: string): DfdaemonTaskFacts {
  return {
    taskId,
    urls: [],
    peerIds: [],
    hostIds: [],
    started: 0,
    startedWithoutPrefetch: 0,
    succeeded: 0,
    failed: 0,
    errors: [],
    backToSource: {
      needBackToSource: 0,
      allPiecesFromSource: 0,
      rangeFromSourceDirectly: 0,
      piecesStarted: 0,
      piecesFinished: 0,
      pieceNumbers: [],
      fetchesPerPiece: {},
      smallRangePieceNumbers: [],
    },
    remotePeer: { piecesStarted: 0, piecesFinished: 0, piecesFailed: 0, parents: [] },
    pieceClock: {
      smallRangeStartedAt: {},
      smallRangeRequestedAt: {},
      scheduledFinishedAt: {},
      parentFinishedAt: {},
      scheduledStartedAt: {},
    },
    local: { piecesFinished: 0, allPiecesFromLocal: 0, hitLocalCache: 0 },
    allPiecesWithScheduler: 0,
    peerFinished: 0,
    announceFailed: 0,
    firstSeen: time,
    lastSeen: time,
  }
}

// A piece list is bounded by the blob's piece count (≤ 500 pieces by dfdaemon's piece length rule).
function addPiece(list: number[], n: number | undefined): void {
  if (n !== undefined && !list.includes(n)) list.push(n)
}

// dfdaemon's timestamps are RFC 3339 UTC with the same precision in one log, so they order as text.
function earliest(map: Record<number, string>, n: number | undefined, time: string): void {
  if (n === undefined) return
  const seen = map[n]
  if (seen === undefined || time < seen) map[n] = time
}

function addUnique(list: string[], v: string | undefined): void {
  if (v !== undefined && v !== '' && list.length < MAX_LIST && !list.includes(v)) list.push(v)
}

interface OpenRecord {
  time: string
  level: TracingLevel
  spans: string[]
  file?: string
  line?: number
  body: string
  format: 'compact' | 'pretty'
  prettySpans: { name: string; fields: string }[]
}

function start(time: string, level: TracingLevel, rest: string): OpenRecord {
  const m = COMPACT_REST.exec(rest)
  if (m?.groups) {
    const g = m.groups
    return {
      time,
      level,
      spans: g.spans ? g.spans.slice(0, -1).split(':') : [],
      file: g.file,
      line: Number(g.line),
      body: g.body ?? '',
      format: 'compact',
      prettySpans: [],
    }
  }
  // No "file:line:" after the level: the pretty layout (location on the next line, and one more
  // space before the message), or a compact line from a build without file names; the lines that
  // follow decide.
  return { time, level, spans: [], body: rest.replace(/^ /, ''), format: 'compact', prettySpans: [] }
}

function close(r: OpenRecord): DfdaemonRecord {
  const record: DfdaemonRecord = {
    time: r.time,
    level: r.level,
    spans: r.spans,
    message: '',
    fields: {},
    format: r.format,
  }
  if (r.file !== undefined) record.file = r.file
  if (r.line !== undefined) record.line = r.line
  if (r.format === 'pretty') {
    // Event fields are not split off the pretty message line: ", k: v" is ambiguous with Debug
    // output inside messages, and dfdaemon puts what matters in span fields.
    record.message = r.body
    const innermostFirst = r.prettySpans
    record.spans = innermostFirst.map((s) => s.name).reverse()
    for (const s of [...innermostFirst].reverse())
      Object.assign(record.fields, parseFieldList(s.fields, ': ', ', '))
    return record
  }
  // Span fields end the event, so a message that spans lines has them on its last line. When only
  // an earlier line ends in fields, what follows it is a stray line (truncated, foreign), not message.
  const lines = r.body.split('\n')
  for (let k = lines.length; k >= 1; k--) {
    const { message, fields } = splitCompactBody(lines.slice(0, k).join('\n'))
    if (Object.keys(fields).length === 0 && k > 1) continue
    record.message = message
    record.fields = fields
    if (k < lines.length && Object.keys(fields).length > 0) record.stray = lines.slice(k).join('\n')
    else if (k < lines.length) record.message = r.body
    return record
  }
  return record
}

// The first " name=" from which the rest reads entirely as fields starts the fields; before it is
// the message.
function splitCompactBody(body: string): { message: string; fields: Record<string, string> } {
  if (FIELD_START.test(body)) {
    const fields = parseFieldList(body, '=', ' ') // fields only, no message
    if (fields) return { message: '', fields }
  }
  for (const m of body.matchAll(FIELD_CANDIDATES)) {
    const fields = parseFieldList(body.slice(m.index + 1), '=', ' ')
    if (fields) return { message: body.slice(0, m.index), fields }
  }
  return { message: body, fields: {} }
}

// "k=v k2=\"s\"" (compact) or "k: v, k2: \"s\"" (pretty). Quoted values are Rust Debug strings;
// bare values run to the next "<sep><name><kv>". Undefined when the text is not such a list.
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*/
const FIELD_START = /^[A-Za-z_][A-Za-z0-9_.]*=/
const FIELD_CANDIDATES = / (?=[A-Za-z_][A-Za-z0-9_.]*=)/g
const NEXT_FIELD: Record<string, RegExp> = {
  '=': / (?=[A-Za-z_][A-Za-z0-9_.]*=)/,
  ': ': /, (?=[A-Za-z_][A-Za-z0-9_.]*: )/,
}

function parseFieldList(text: string, kv: '=' | ': ', sep: ' ' | ', '): Record<string, string> | undefined {
  const out: Record<string, string> = {}
  let s = text.trimEnd()
  while (s.length > 0) {
    const key = FIELD_NAME.exec(s)?.[0]
    if (key === undefined || !s.startsWith(kv, key.length)) return undefined
    s = s.slice(key.length + kv.length)
    let value: string
    if (s.startsWith('"')) {
      const end = closingQuote(s)
      if (end < 0) return undefined
      value = unescapeRust(s.slice(1, end))
      s = s.slice(end + 1)
      if (s.length > 0 && !s.startsWith(sep)) return undefined
    } else {
      const next = NEXT_FIELD[kv]?.exec(s)
      value = next ? s.slice(0, next.index) : s
      // a bare value never spans lines: a line break means the record was followed by another line
      if (value.includes('\n')) return undefined
      s = next ? s.slice(next.index) : ''
    }
    out[key.replace(/^r#/, '')] = value
    if (s.startsWith(sep)) s = s.slice(sep.length)
  }
  return out
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++
    else if (s[i] === '"') return i
  }
  return -1
}

// Rust's Debug escapes for str: \" \\ \n \r \t \0 \' and \u{XXXX}.
function unescapeRust(s: string): string {
  if (!s.includes('\\')) return s
  return s.replace(/\\(u\{([0-9a-fA-F]+)\}|.)/g, (_, c: string, hex: string | undefined) => {
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16))
    return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[c] ?? c
  })
}
