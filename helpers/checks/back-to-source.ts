// Single back-to-source: with Dragonfly in the path, each large layer leaves the origin once for
// the whole cluster, however many nodes pull it. Judged on the origin registry's own log; a node's
// on-demand source reads are excused only where the dfdaemon logs' timestamps show P2P could not have
// served them (on-demand-reads.ts), and every other byte beyond one copy of the layer is red.
import { PROBE_MAX_BYTES, type OriginRow } from '../evidence/origin-accounting.ts'
import {
  classifyOnDemandReads,
  parentWaitMs,
  type NodePieceClock,
  type OnDemandRead,
} from './on-demand-reads.ts'
import type { OnDemandFigures } from '../evidence/origin-figures.ts'
import type { Verdict } from './verdict.ts'

/**
 * Dragonfly treats blobs below this size differently (recent clients fetch small blobs straight
 * from the source on every node), so single back-to-source is only asserted above it (NOTES).
 */
export const LARGE_LAYER_BYTES = 16 * 1024 * 1024

/** A layer the verdict judges: its digest and size. */
export interface LayerSize {
  digest: string
  size: number
}

/** dfdaemon's smallest piece, and the range size at or below which it skips the scheduler. */
export const DFDAEMON_MIN_PIECE = 4 * 1024 * 1024
const DFDAEMON_MAX_PIECE = 64 * 1024 * 1024

/**
 * dfdaemon's piece length for a blob (dragonfly-client 1.5.0 resource/piece.rs: the blob length /
 * 500, rounded up to a power of two, clamped to 4..64 MiB).
 */
export function dfdaemonPieceLength(size: number): number {
  const perPiece = Math.floor(size / 500)
  const pow2 = perPiece <= 1 ? 1 : 2 ** Math.ceil(Math.log2(perPiece))
  return Math.min(Math.max(pow2, DFDAEMON_MIN_PIECE), DFDAEMON_MAX_PIECE)
}

/** Bytes of piece `n` of a blob (the last piece is short). */
export function pieceBytes(size: number, n: number): number {
  const piece = dfdaemonPieceLength(size)
  return Math.max(0, Math.min(piece, size - n * piece))
}

/**
 * Responses every node may get from the origin itself beside the shared transfer: its HEADs and tiny
 * probes (at most PROBE_MAX_BYTES each; a handful per layer).
 */
export const PROBES_PER_NODE = 4

/**
 * What one node's dfdaemon fetched from the source itself for one layer, from its log: the pieces of
 * range requests of at most 4 MiB that it served straight from the source, skipping the scheduler
 * (dragonfly-client 1.5.0 resource/task.rs, MIN_PIECE_LENGTH; not configurable), and the times that
 * tell whether P2P could have served them.
 */
export interface NodeSourceReads {
  node: string
  ip: string
  clock: NodePieceClock
}

export interface BackToSourceFacts {
  /** origin rows for the image's blobs, in the window of one pull */
  rows: OriginRow[]
  layers: LayerSize[]
  /** how many nodes pulled */
  nodes: number
  /** dfdaemon's BACK_TO_SOURCE traffic summed over the cluster, bytes; a string says why it is unknown */
  dfdaemonBackToSourceBytes: number | string
  /** size from which a layer is judged (default LARGE_LAYER_BYTES) */
  largeLayerBytes?: number
  /** per layer digest: what each node's dfdaemon logged fetching from the source itself */
  smallRangeReads: Record<string, NodeSourceReads[]>
  /** per layer digest: the seed peers' piece times (who could have served a piece, from when) */
  seedClocks: Record<string, NodePieceClock[]>
  /** the seed peers' addresses, from their own logs (host id `{ip}-{hostname}`) */
  seedIps: string[]
  /** workers whose dfdaemon logged nothing at DEBUG: their small-range pieces are unknown */
  withoutDebugLog?: string[]
}

/** How a node's own reads were told apart from the shared transfer in the origin's log. */
export type Attribution = 'client-ip' | 'dfdaemon-log'

export interface LayerJudgement {
  digest: string
  size: number
  bytesServed: number
  /** every on-demand source read of the pulling nodes, with why it went to the source */
  onDemand: OnDemandRead[]
  /** bytes excused per node: its on-demand reads P2P could not have served */
  excusedBytes: Record<string, number>
  /** per node: on-demand reads of pieces a peer already had while the node's task had its parents */
  missedPieces: Record<string, number[]>
  /** bytes of pieces a node read from the source on demand and then received from a parent too */
  fetchedTwiceBytes: number
  /** per node: ms its task waited for parents after its first on-demand read */
  parentWaitMs: Record<string, number>
  /** bytesServed minus the excused reads: what must have left the origin once */
  sharedBytes: number
  limit: number
  /** bytesServed / size */
  rawAmplification: number
  /** sharedBytes / size */
  attributedAmplification: number
  clients: number
  attribution: Attribution
  ok: boolean
}

/** Client IP attribution works only while no seed peer shares a worker's address. */
export function attributionMode(facts: Pick<BackToSourceFacts, 'seedIps' | 'smallRangeReads'>): {
  mode: Attribution
  why: string
} {
  const workerIps = new Set(Object.values(facts.smallRangeReads).flatMap((n) => n.map((x) => x.ip)))
  const shared = facts.seedIps.filter((ip) => workerIps.has(ip))
  if (shared.length)
    return {
      mode: 'dfdaemon-log',
      why: `attributed by dfdaemon's log: the seed peer shares the address ${shared.join(', ')} with a worker`,
    }
  return {
    mode: 'client-ip',
    why: `attributed by client IP, each bounded by dfdaemon's log (seed peer at ${facts.seedIps.join(', ') || 'an unknown address'}, on no worker's address)`,
  }
}

export function judgeLayers(facts: BackToSourceFacts): LayerJudgement[] {
  const { mode } = attributionMode(facts)
  return facts.layers
    .filter((l) => l.size >= (facts.largeLayerBytes ?? LARGE_LAYER_BYTES))
    .map((layer) => {
      const row = facts.rows.find((r) => r.digest === layer.digest)
      const bytesServed = row?.bytesServed ?? 0
      const nodes = facts.smallRangeReads[layer.digest] ?? []
      const clocks = [...nodes.map((n) => n.clock), ...(facts.seedClocks[layer.digest] ?? [])]
      const onDemand = classifyOnDemandReads(
        clocks,
        nodes.map((n) => n.node),
      )
      const excusedBytes: Record<string, number> = {}
      const missedPieces: Record<string, number[]> = {}
      const waits: Record<string, number> = {}
      for (const n of nodes) {
        const mine = onDemand.filter((r) => r.node === n.node)
        const missed = mine.filter((r) => r.reason === 'missed-p2p').map((r) => r.piece)
        if (missed.length) missedPieces[n.node] = missed
        const logged = mine
          .filter((r) => r.reason !== 'missed-p2p')
          .reduce((a, r) => a + pieceBytes(layer.size, r.piece), 0)
        // Never more than the origin really sent that node's address, in either attribution mode (where
        // the seed peer shares the address the cap is looser, never absent).
        const sent = row?.byClient[n.ip]?.bytesServed ?? 0
        const bytes = Math.min(sent, logged)
        if (bytes > 0) excusedBytes[n.node] = bytes
        const wait = parentWaitMs(n.clock)
        if (wait !== undefined) waits[n.node] = wait
      }
      const excused = Object.values(excusedBytes).reduce((a, b) => a + b, 0)
      const sharedBytes = bytesServed - excused
      const limit = layer.size + facts.nodes * PROBES_PER_NODE * PROBE_MAX_BYTES
      return {
        digest: layer.digest,
        size: layer.size,
        bytesServed,
        onDemand,
        excusedBytes,
        missedPieces,
        fetchedTwiceBytes: onDemand
          .filter((r) => r.alsoFromPeers)
          .reduce((a, r) => a + pieceBytes(layer.size, r.piece), 0),
        parentWaitMs: waits,
        sharedBytes,
        limit,
        rawAmplification: ratio(bytesServed, layer.size),
        attributedAmplification: ratio(sharedBytes, layer.size),
        clients: row?.clients ?? 0,
        attribution: mode,
        ok: bytesServed > 0 && sharedBytes <= limit && Object.keys(missedPieces).length === 0,
      }
    })
}

/** The figures a run records of each judged layer (summary.json, the flake series). */
export function onDemandFigures(j: LayerJudgement): OnDemandFigures {
  return {
    digest: j.digest,
    size: j.size,
    rawAmplification: j.rawAmplification,
    attributedAmplification: j.attributedAmplification,
    excusedBytes: Object.values(j.excusedBytes).reduce((a, b) => a + b, 0),
    missedReads: j.onDemand.filter((r) => r.reason === 'missed-p2p').length,
    fetchedTwiceBytes: j.fetchedTwiceBytes,
    parentWaitMs: Object.fromEntries(Object.entries(j.parentWaitMs).map(([n, ms]) => [n, Math.round(ms)])),
  }
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0)
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
const short = (d: string) => d.slice(0, 19)
const x = (n: number) => `${n.toFixed(2)}x`
const reasonsText = (j: LayerJudgement) => {
  const by = (reason: OnDemandRead['reason']) => j.onDemand.filter((r) => r.reason === reason)
  const list = (reads: OnDemandRead[]) =>
    [...new Set(reads.map((r) => r.node))]
      .map(
        (n) =>
          `${n} ${reads
            .filter((r) => r.node === n)
            .map((r) => r.piece)
            .join(',')}`,
      )
      .join(', ')
  const parts = [
    by('nobody-had-it').length ? `before any peer had them: ${list(by('nobody-had-it'))}` : '',
    by('not-in-flight').length
      ? `before the node's own task had them in flight: ${list(by('not-in-flight'))}`
      : '',
  ].filter(Boolean)
  const waits = Object.entries(j.parentWaitMs)
    .map(([n, ms]) => `${n} ${Math.round(ms)} ms`)
    .join(', ')
  return (
    (parts.length ? parts.join('; ') : 'none') +
    (waits ? `; parents named after the first read: ${waits}` : '')
  )
}
/** Reads P2P should have served: each in-flight miss in full, the never-served ones per node. */
const missedText = (j: LayerJudgement) => {
  const missed = j.onDemand.filter((r) => r.reason === 'missed-p2p')
  const inFlight = missed
    .filter((r) => r.inFlightSince)
    .map(
      (r) =>
        `${r.node} piece ${r.piece} at ${clock(r.at)} (` +
        (r.heldBy ? `${r.heldBy.node} had it since ${clock(r.heldBy.since)}; ` : '') +
        `in flight in its own task since ${clock(r.inFlightSince)}, before the request came: dfdaemon did not wait for it)`,
    )
  const never = [...new Set(missed.filter((r) => !r.inFlightSince).map((r) => r.node))].map((node) => {
    const reads = missed.filter((r) => r.node === node && !r.inFlightSince)
    const held = reads.filter((r) => r.heldBy)
    return (
      `${node} ${reads.length} piece(s) its own task never got from a parent (${reads.map((r) => r.piece).join(',')}` +
      (held.length
        ? `; ${held.length} of them a peer already held, first ${clock(held[0]!.at)}: ${held[0]!.heldBy!.node} since ${clock(held[0]!.heldBy!.since)}`
        : '') +
      ')'
    )
  })
  return [...never, ...inFlight].join('; ')
}
/** hh:mm:ss.mmm of a timestamp, enough to find the record in the logs */
const clock = (t: string | undefined) =>
  (t ?? '?').replace(/^.*T/, '').replace(/(\.\d{3})\d*(Z|[+-][\d:]+)?$/, '$1')

/** The numbers every verdict shows: raw and attributed amplification, what was excused and why. */
export function layerLine(j: LayerJudgement): string {
  return (
    `${short(j.digest)}: raw ${x(j.rawAmplification)} (${mib(j.bytesServed)} of ${mib(j.size)} to ${j.clients} clients), ` +
    `attributed ${x(j.attributedAmplification)} (limit ${x(j.limit / j.size)}; on-demand source pieces P2P could not serve: ${reasonsText(j)}` +
    (Object.keys(j.missedPieces).length
      ? `; on-demand source pieces P2P should have served: ${missedText(j)}`
      : '') +
    `; fetched twice ${mib(j.fetchedTwiceBytes)})`
  )
}

/** A node whose dfdaemon logged no piece of the layer and to which the origin sent none of it. */
function pulledNothing(n: NodeSourceReads, row: OriginRow | undefined): boolean {
  const c = n.clock
  const pieces = [c.smallRangeStartedAt, c.scheduledStartedAt, c.scheduledFinishedAt, c.parentFinishedAt]
  return pieces.every((m) => Object.keys(m).length === 0) && !(row?.byClient[n.ip]?.contentBytes ?? 0)
}

export function singleBackToSource(facts: BackToSourceFacts): Verdict {
  const judged = judgeLayers(facts)
  const { why } = attributionMode(facts)
  const b2s = facts.dfdaemonBackToSourceBytes
  const evidence = { layers: judged, nodes: facts.nodes, attribution: why, dfdaemonBackToSourceBytes: b2s }
  const cannot = (reason: string): Verdict => ({
    passed: false,
    diagnosis: `cannot judge: ${reason}`,
    evidence,
  })
  if (facts.nodes < 2)
    return cannot(
      `${facts.nodes} worker pulled: one node's pull leaves the origin once with or without P2P, so single back-to-source needs at least 2 workers (D7Y_WORKERS)`,
    )
  if (judged.length === 0)
    return cannot(
      `no layer of at least ${mib(facts.largeLayerBytes ?? LARGE_LAYER_BYTES)} in the image: single back-to-source is judged on large layers only`,
    )
  if (typeof b2s === 'string') return cannot(`dfdaemon's metrics could not be read: ${b2s}`)
  if (facts.withoutDebugLog?.length)
    return cannot(
      `dfdaemon on ${facts.withoutDebugLog.join(', ')} logged no DEBUG record during the pull, so its own small-range source reads are unknown (set client.config.log.level to debug)`,
    )
  // Counting a worker that never pulled (its image already there) would judge N-1 pulls as N.
  const idle = judged.flatMap((j) => {
    const row = facts.rows.find((r) => r.digest === j.digest)
    const none = (facts.smallRangeReads[j.digest] ?? []).filter((n) => pulledNothing(n, row))
    return none.length ? [`${none.map((n) => n.node).join(', ')} for ${short(j.digest)}`] : []
  })
  if (idle.length)
    return {
      passed: false,
      diagnosis: `no evidence of a pull on ${idle.join('; ')}: no piece in the node's dfdaemon log and nothing from the origin, so the image was already there (content store, snapshot) and this pull says nothing of P2P on that node; start each pull from clean image state`,
      evidence,
    }
  const neverServed = judged.filter((j) => j.bytesServed === 0)
  if (neverServed.length)
    return {
      passed: false,
      diagnosis: `the origin log shows no transfer of ${neverServed.map((j) => short(j.digest)).join(', ')}: the pull did not happen in this window or the log is not the origin's`,
      evidence,
    }
  const over = judged.filter((j) => !j.ok)
  if (over.length)
    return {
      passed: false,
      diagnosis:
        over
          .map(
            (j) =>
              `the origin served ${short(j.digest)} more than once: ${layerLine(j)}` +
              // near the edge every ratio reads 1.00x: the bytes say by how much
              (j.sharedBytes > j.limit
                ? `: ${j.sharedBytes - j.limit} B over the allowance of ${j.limit} B (the layer once plus probes)`
                : '') +
              `, so P2P did not share it` +
              (Object.keys(j.missedPieces).length
                ? ` (nodes read pieces from the source that P2P should have served)`
                : ''),
          )
          .join('; ') + `; ${why}`,
      evidence,
    }
  // dfdaemon's own count of what it fetched from the source, over all daemons: a second witness,
  // from both sides. At most what the origin sent for the large layers; at least each large layer
  // once (someone in Dragonfly must have fetched what the origin sent, or the origin's bytes went
  // around Dragonfly).
  const largeTotal = judged.reduce((a, j) => a + j.size, 0)
  const upper = judged.reduce((a, j) => a + j.bytesServed, 0)
  if (b2s > upper + PROBE_MAX_BYTES * facts.nodes * judged.length)
    return {
      passed: false,
      diagnosis: `dfdaemons report ${mib(b2s)} back-to-source, more than the origin sent for the large layers (${mib(upper)}): the origin log and dfdaemon disagree (another image, or a log window that misses requests)`,
      evidence,
    }
  if (b2s < 0.95 * largeTotal)
    return {
      passed: false,
      diagnosis: `dfdaemons report only ${mib(b2s)} back-to-source for ${mib(largeTotal)} of large layers that left the origin: the transfer did not go through Dragonfly`,
      evidence,
    }
  return {
    passed: true,
    diagnosis: `${judged.map(layerLine).join('; ')}; dfdaemon back-to-source ${mib(b2s)}; ${why}`,
    evidence,
  }
}
