// Single back-to-source: with Dragonfly in the path, each large layer leaves the origin once for
// the whole cluster, however many nodes pull it. Judged on the origin registry's own log.
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

/**
 * Responses every node may get from the origin itself beside the shared transfer: its HEADs and tiny
 * probes (at most PROBE_MAX_BYTES each; a handful per layer).
 */
export const PROBES_PER_NODE = 4

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
  /** pieces this node's dfdaemon finished from the source */
  sourcePieces: number
  /** the scheduler told this node to go back to source (then its pieces are the shared transfer) */
  schedulerBackToSource: boolean
}

/** A node that takes more than this share of a layer through small ranges did not lazily pull it. */
export const MAX_SMALL_RANGE_SHARE = 0.5

export interface BackToSourceFacts {
  /** origin rows for the image's blobs, in the window of one pull */
  rows: OriginRow[]
  layers: LayerGeometry[]
  /** how many nodes pulled */
  nodes: number
  /** dfdaemon's BACK_TO_SOURCE traffic summed over the cluster, bytes (undefined: not collected) */
  dfdaemonBackToSourceBytes?: number
  /** size from which a layer is judged (default LARGE_LAYER_BYTES) */
  largeLayerBytes?: number
  /** per layer digest: what each node's dfdaemon logged fetching from the source itself */
  smallRangeReads?: Record<string, NodeSourceReads[]>
}

export interface LayerJudgement {
  digest: string
  size: number
  bytesServed: number
  /** bytes attributed to nodes' own small-range reads (dfdaemon's log and the origin log agree) */
  smallRangeBytes: Record<string, number>
  /** bytesServed minus the small-range reads: what must have left the origin once */
  sharedBytes: number
  limit: number
  amplification: number
  clients: number
  ok: boolean
  /** nodes whose small-range reads exceed MAX_SMALL_RANGE_SHARE of the layer */
  heavyNodes: string[]
}

export function judgeLayers(facts: BackToSourceFacts): LayerJudgement[] {
  return facts.layers
    .filter((l) => l.size >= (facts.largeLayerBytes ?? LARGE_LAYER_BYTES))
    .map((layer) => {
      const row = facts.rows.find((r) => r.digest === layer.digest)
      const bytesServed = row?.bytesServed ?? 0
      const piece = dfdaemonPieceLength(layer.size)
      const smallRangeBytes: Record<string, number> = {}
      for (const n of facts.smallRangeReads?.[layer.digest] ?? []) {
        if (n.schedulerBackToSource || n.sourcePieces === 0) continue
        // Only what the origin really sent that node, and at most the pieces its dfdaemon logged.
        const sent = row?.byClient[n.ip]?.bytesServed ?? 0
        smallRangeBytes[n.node] = Math.min(sent, n.sourcePieces * piece)
      }
      const excused = Object.values(smallRangeBytes).reduce((a, b) => a + b, 0)
      const sharedBytes = bytesServed - excused
      const limit = layer.size + facts.nodes * PROBES_PER_NODE * PROBE_MAX_BYTES
      const heavyNodes = Object.entries(smallRangeBytes)
        .filter(([, b]) => b > MAX_SMALL_RANGE_SHARE * layer.size)
        .map(([n]) => n)
      return {
        digest: layer.digest,
        size: layer.size,
        bytesServed,
        smallRangeBytes,
        sharedBytes,
        limit,
        amplification: row?.amplification ?? 0,
        clients: row?.clients ?? 0,
        ok: sharedBytes <= limit && heavyNodes.length === 0,
        heavyNodes,
      }
    })
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
const smallRanges = (j: LayerJudgement) =>
  Object.keys(j.smallRangeBytes).length
    ? Object.entries(j.smallRangeBytes)
        .map(([n, b]) => `${n} ${mib(b)}`)
        .join(', ')
    : 'none'
const short = (d: string) => d.slice(0, 19)

export function singleBackToSource(facts: BackToSourceFacts): Verdict {
  const judged = judgeLayers(facts)
  if (judged.length === 0)
    return {
      passed: false,
      diagnosis: `no layer of at least ${mib(facts.largeLayerBytes ?? LARGE_LAYER_BYTES)}: single back-to-source cannot be judged on this image`,
      evidence: { facts },
    }
  const over = judged.filter((j) => !j.ok)
  const neverServed = judged.filter((j) => j.bytesServed === 0)
  // dfdaemon's own count of bytes it fetched from the source, over all daemons: a second witness.
  const b2s = facts.dfdaemonBackToSourceBytes
  const largeTotal = judged.reduce((a, j) => a + j.size, 0)
  // dfdaemon's metric counts its small-range source reads too.
  const limitTotal = judged.reduce((a, j) => a + j.limit + (j.bytesServed - j.sharedBytes), 0)
  const metricOk = b2s === undefined || b2s <= limitTotal
  const evidence = { layers: judged, nodes: facts.nodes, dfdaemonBackToSourceBytes: b2s }
  if (over.length)
    return {
      passed: false,
      diagnosis: over
        .map((j) =>
          j.heavyNodes.length
            ? `${j.heavyNodes.join(', ')} took more than ${MAX_SMALL_RANGE_SHARE * 100}% of ${short(j.digest)} from the origin through dfdaemon's small-range path (${smallRanges(j)}): those nodes did not get the layer from peers`
            : `origin served ${short(j.digest)} ${j.amplification.toFixed(2)}x its size (${mib(j.bytesServed)} for ${mib(j.size)}, to ${j.clients} clients; ${mib(j.sharedBytes)} beyond the nodes' own small-range reads, limit ${mib(j.limit)}): the layer left the origin more than once, so P2P did not share it`,
        )
        .join('; '),
      evidence,
    }
  if (neverServed.length)
    return {
      passed: false,
      diagnosis: `the origin log shows no transfer of ${neverServed.map((j) => short(j.digest)).join(', ')}: the pull did not happen in this window or the log is not the origin's`,
      evidence,
    }
  if (!metricOk)
    return {
      passed: false,
      diagnosis: `dfdaemons report ${mib(b2s!)} back-to-source for ${mib(largeTotal)} of large layers (limit ${mib(limitTotal)}): the origin log and dfdaemon disagree`,
      evidence,
    }
  return {
    passed: true,
    diagnosis:
      judged
        .map(
          (j) =>
            `${short(j.digest)}: ${j.amplification.toFixed(2)}x (${mib(j.bytesServed)} of ${mib(j.size)} to ${j.clients} clients = ${mib(j.sharedBytes)} shared transfer + small-range reads ${smallRanges(j)})`,
        )
        .join('; ') + (b2s !== undefined ? `; dfdaemon back-to-source ${mib(b2s)}` : ''),
    evidence,
  }
}

/**
 * The negative control: the same pull with the mirror bypassed must make the origin serve each
 * large layer about once per node, and singleBackToSource must call it a failure.
 */
export function negativeControl(facts: BackToSourceFacts): Verdict {
  const verdict = singleBackToSource(facts)
  const judged = judgeLayers(facts)
  // Every node reads the whole layer (lazy reads + background fetch): expect at least 0.8x per node.
  const low = judged.filter((j) => j.amplification < 0.8 * facts.nodes)
  const evidence = { controlVerdict: verdict, layers: judged, nodes: facts.nodes }
  if (verdict.passed)
    return {
      passed: false,
      diagnosis: `the single back-to-source check PASSED on the bypassed pull (${verdict.diagnosis}): it cannot tell P2P from direct pulls, so its pass proves nothing`,
      evidence,
    }
  if (low.length)
    return {
      passed: false,
      diagnosis: `bypassed pull gave ${low.map((j) => `${short(j.digest)} ${j.amplification.toFixed(2)}x`).join(', ')}, expected close to ${facts.nodes}x: nodes did not fetch whole layers, so the control does not show what P2P saves`,
      evidence,
    }
  return {
    passed: true,
    diagnosis: `bypassed pull: ${judged.map((j) => `${short(j.digest)} ${j.amplification.toFixed(2)}x over ${j.clients} clients`).join('; ')}; single back-to-source judged it failing`,
    evidence,
  }
}
