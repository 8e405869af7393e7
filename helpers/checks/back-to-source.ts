// Single back-to-source: with Dragonfly in the path, each large layer leaves the origin once for
// the whole cluster, however many nodes pull it. Judged on the origin registry's own log, with each
// node's own lazy-pull reads excused only as far as its dfdaemon's log shows them and the layer's
// geometry bounds them.
import { PROBE_MAX_BYTES, type OriginRow } from '../evidence/origin-accounting.ts'
import type { Verdict } from './verdict.ts'

/**
 * Dragonfly treats blobs below this size differently (recent clients fetch small blobs straight
 * from the source on every node), so single back-to-source is only asserted above it (NOTES).
 */
export const LARGE_LAYER_BYTES = 16 * 1024 * 1024

export interface LayerGeometry {
  digest: string
  size: number
  /** where the eStargz TOC starts (from the validator); the TOC and footer follow it */
  tocOffset?: number
  /** where the prefetch landmark's member starts; the files a lazy pull prefetches lie before it */
  landmarkOffset?: number
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

/** Pieces a byte range [start, end) touches. */
function piecesOf(size: number, start: number, end: number): number[] {
  const piece = dfdaemonPieceLength(size)
  const out: number[] = []
  for (let n = Math.floor(start / piece); n * piece < Math.min(end, size); n++) out.push(n)
  return out
}

/**
 * The pieces a lazy pull reads before any prefetch could have them: the probe and the prefetch
 * landmark's files at the front (piece 0 up to the landmark), and the TOC + footer at the end
 * (from the TOC offset). Undefined when the layer's TOC offset is unknown (not validated).
 */
export function lazyPullPieces(layer: LayerGeometry): number[] | undefined {
  if (layer.tocOffset === undefined) return undefined
  const front = piecesOf(layer.size, 0, Math.max(1, (layer.landmarkOffset ?? 0) + 1))
  const back = piecesOf(layer.size, layer.tocOffset, layer.size)
  return [...new Set([...front, ...back])].sort((a, b) => a - b)
}

/**
 * Responses every node may get from the origin itself beside the shared transfer: its HEADs and tiny
 * probes (at most PROBE_MAX_BYTES each; a handful per layer).
 */
export const PROBES_PER_NODE = 4

/**
 * On-demand reads a node may take from the source beyond the lazy-pull geometry, in pieces: its first
 * file read can race its own prefetch (dfdaemon serves a ≤ 4 MiB range whose pieces it lacks from the
 * source). One piece per node; every further piece it took from the source is origin traffic P2P
 * did not save.
 */
export const ON_DEMAND_PIECES_PER_NODE = 1

/**
 * What one node's dfdaemon fetched from the source itself for one layer, from its log. dfdaemon
 * serves a range request of at most 4 MiB whose pieces it does not have yet straight from the
 * source, skipping the scheduler, in whole pieces (dragonfly-client 1.5.0 resource/task.rs,
 * MIN_PIECE_LENGTH; not configurable). A lazily pulling snapshotter makes such reads before the
 * background prefetch has the pieces: its probe, its footer + TOC reads, and early chunk reads.
 */
export interface NodeSourceReads {
  node: string
  ip: string
  /** piece numbers this node's dfdaemon finished from the source for small range requests */
  smallRangePieces: number[]
}

export interface BackToSourceFacts {
  /** origin rows for the image's blobs, in the window of one pull */
  rows: OriginRow[]
  layers: LayerGeometry[]
  /** how many nodes pulled */
  nodes: number
  /** dfdaemon's BACK_TO_SOURCE traffic summed over the cluster, bytes; a string says why it is unknown */
  dfdaemonBackToSourceBytes: number | string
  /** size from which a layer is judged (default LARGE_LAYER_BYTES) */
  largeLayerBytes?: number
  /** per layer digest: what each node's dfdaemon logged fetching from the source itself */
  smallRangeReads: Record<string, NodeSourceReads[]>
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
  /** bytes excused per node: its small-range source pieces inside the lazy-pull geometry */
  excusedBytes: Record<string, number>
  /** per node: small-range source pieces outside the geometry (on-demand reads that missed P2P) */
  onDemandPieces: Record<string, number[]>
  /** the pieces a lazy pull reads before prefetch (undefined: no TOC offset, cannot bound) */
  geometryPieces?: number[]
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
      const geometry = lazyPullPieces(layer)
      const inGeometry = new Set(geometry ?? [])
      const excusedBytes: Record<string, number> = {}
      const onDemandPieces: Record<string, number[]> = {}
      for (const n of facts.smallRangeReads[layer.digest] ?? []) {
        const excused = n.smallRangePieces.filter((p) => inGeometry.has(p))
        const onDemand = n.smallRangePieces.filter((p) => !inGeometry.has(p))
        if (onDemand.length) onDemandPieces[n.node] = onDemand
        const logged = excused.reduce((a, p) => a + pieceBytes(layer.size, p), 0)
        // By IP, never more than the origin really sent that node.
        const sent = row?.byClient[n.ip]?.bytesServed ?? 0
        const bytes = mode === 'client-ip' ? Math.min(sent, logged) : logged
        if (bytes > 0) excusedBytes[n.node] = bytes
      }
      const excused = Object.values(excusedBytes).reduce((a, b) => a + b, 0)
      const sharedBytes = bytesServed - excused
      const limit =
        layer.size +
        facts.nodes * PROBES_PER_NODE * PROBE_MAX_BYTES +
        facts.nodes * ON_DEMAND_PIECES_PER_NODE * dfdaemonPieceLength(layer.size)
      return {
        digest: layer.digest,
        size: layer.size,
        bytesServed,
        excusedBytes,
        onDemandPieces,
        ...(geometry ? { geometryPieces: geometry } : {}),
        sharedBytes,
        limit,
        rawAmplification: ratio(bytesServed, layer.size),
        attributedAmplification: ratio(sharedBytes, layer.size),
        clients: row?.clients ?? 0,
        attribution: mode,
        ok: geometry !== undefined && bytesServed > 0 && sharedBytes <= limit,
      }
    })
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0)
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
const short = (d: string) => d.slice(0, 19)
const x = (n: number) => `${n.toFixed(2)}x`
const excusedText = (j: LayerJudgement) =>
  Object.keys(j.excusedBytes).length
    ? Object.entries(j.excusedBytes)
        .map(([n, b]) => `${n} ${mib(b)}`)
        .join(', ')
    : 'none'
const onDemandText = (j: LayerJudgement) =>
  Object.entries(j.onDemandPieces)
    .map(([n, p]) => `${n} piece(s) ${p.join(',')}`)
    .join('; ')

/** The numbers every verdict shows: raw and attributed amplification, and what was excused. */
export function layerLine(j: LayerJudgement): string {
  return (
    `${short(j.digest)}: raw ${x(j.rawAmplification)} (${mib(j.bytesServed)} of ${mib(j.size)} to ${j.clients} clients), ` +
    `attributed ${x(j.attributedAmplification)} (limit ${x(j.limit / j.size)}; excused lazy-pull reads ${excusedText(j)}` +
    (Object.keys(j.onDemandPieces).length ? `; on-demand source pieces ${onDemandText(j)}` : '') +
    ')'
  )
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
  const unbounded = judged.filter((j) => j.geometryPieces === undefined)
  if (unbounded.length)
    return cannot(
      `no TOC offset for ${unbounded.map((j) => short(j.digest)).join(', ')} (the eStargz validation did not pass): the lazy-pull reads cannot be bounded`,
    )
  if (typeof b2s === 'string') return cannot(`dfdaemon's metrics could not be read: ${b2s}`)
  if (facts.withoutDebugLog?.length)
    return cannot(
      `dfdaemon on ${facts.withoutDebugLog.join(', ')} logged no DEBUG record during the pull, so its own small-range source reads are unknown (set client.config.log.level to debug)`,
    )
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
              `the origin served ${short(j.digest)} more than once: ${layerLine(j)}, so P2P did not share it` +
              (Object.keys(j.onDemandPieces).length
                ? ` (nodes read pieces from the source that peers should have served)`
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
