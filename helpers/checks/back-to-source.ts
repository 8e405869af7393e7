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
 * What each node may legitimately take from the origin itself, beside the one shared transfer.
 * dfdaemon serves a range request of at most 4 MiB whose pieces it doesn't have yet straight from
 * the source, skipping the scheduler, and it fetches whole pieces (dragonfly-client 1.5.0
 * resource/task.rs, MIN_PIECE_LENGTH). Before a node's background prefetch has pieces, its
 * snapshotter makes exactly such reads: the `bytes=0-1` probe (piece 0) and the footer + TOC (the
 * pieces covering [tocOffset, size)). Those pieces, plus a few HEAD/probe responses, are allowed
 * per node; everything else must be the single back-to-source transfer.
 */
export function perNodeAllowance(layer: LayerGeometry): number {
  const piece = dfdaemonPieceLength(layer.size)
  const pieces = new Set<number>([0])
  const tailStart = layer.tocOffset ?? Math.max(0, layer.size - 1)
  for (let p = Math.floor(tailStart / piece); p * piece < layer.size; p++) pieces.add(p)
  let bytes = 0
  for (const p of pieces) bytes += Math.min(piece, layer.size - p * piece)
  return bytes + 4 * PROBE_MAX_BYTES
}

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
}

export interface LayerJudgement {
  digest: string
  size: number
  bytesServed: number
  limit: number
  amplification: number
  clients: number
  ok: boolean
}

export function judgeLayers(facts: BackToSourceFacts): LayerJudgement[] {
  return facts.layers
    .filter((l) => l.size >= (facts.largeLayerBytes ?? LARGE_LAYER_BYTES))
    .map((layer) => {
      const row = facts.rows.find((r) => r.digest === layer.digest)
      const bytesServed = row?.bytesServed ?? 0
      const limit = layer.size + facts.nodes * perNodeAllowance(layer)
      return {
        digest: layer.digest,
        size: layer.size,
        bytesServed,
        limit,
        amplification: row?.amplification ?? 0,
        clients: row?.clients ?? 0,
        ok: bytesServed <= limit,
      }
    })
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
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
  const limitTotal = judged.reduce((a, j) => a + j.limit, 0)
  const metricOk = b2s === undefined || b2s <= limitTotal
  const evidence = { layers: judged, nodes: facts.nodes, dfdaemonBackToSourceBytes: b2s }
  if (over.length)
    return {
      passed: false,
      diagnosis: over
        .map(
          (j) =>
            `origin served ${short(j.digest)} ${j.amplification.toFixed(2)}x its size (${mib(j.bytesServed)} for ${mib(j.size)}, to ${j.clients} clients; limit ${mib(j.limit)}): each node fetched it from the origin, so P2P did not share it`,
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
            `${short(j.digest)}: ${j.amplification.toFixed(2)}x (${mib(j.bytesServed)} of ${mib(j.size)}, ${j.clients} clients)`,
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
    diagnosis: `bypassed pull: ${judged.map((j) => `${short(j.digest)} ${j.amplification.toFixed(2)}x over ${j.clients} clients`).join('; ')}; single back-to-source judged it failing (${verdict.diagnosis.split(':')[0]})`,
    evidence,
  }
}
