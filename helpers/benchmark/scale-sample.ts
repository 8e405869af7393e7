// Pure parts of one scale sample: when each node was done, what each large layer cost the origin and
// where each node's bytes came from (the source, peers, the seed peer), and the P2P verdicts, all
// from the evidence one pull phase collected.
import {
  LARGE_LAYER_BYTES,
  judgeLayers,
  pieceBytes,
  singleBackToSource,
  type LayerSize,
} from '../checks/back-to-source.ts'
import { remoteSnapshots, taskSucceeded, type Layer } from '../checks/node-evidence.ts'
import type { Verdict } from '../checks/verdict.ts'
import { classifyDfdaemonRecord, dfdaemonRecords } from '../evidence/dfdaemon-log.ts'
import type { LineInput } from '../evidence/lines.ts'
import { backToSourceFacts, viaDfdaemonOf, type PhaseEvidence } from '../run/pull-phase.ts'
import { median } from '../report/benchmark-stats.ts'
import type {
  LayerSample,
  NodeLayerBytes,
  NodeTiming,
  ScaleCheck,
  ScaleMode,
  ScaleVerdict,
} from '../report/scale-types.ts'

/** A seed peer's peer id ends in -seed (dragonfly-client 1.5.0: `{ip}-{hostname}-{uuid}-seed`). */
export function isSeedPeer(peerId: string): boolean {
  return peerId.endsWith('-seed')
}

/**
 * Parent id used for "finished piece … from parent None". dfdaemon 1.5.0 logs that line for pieces
 * it took from the source too (in the P2P capture, exactly the pieces it finished from the source),
 * so these pieces are never counted as from peers.
 */
export const UNKNOWN_PARENT = '(none)'

/**
 * Per task, per parent peer id: the distinct piece numbers this dfdaemon finished from that parent
 * ("finished piece <task>-<n> from parent Some(\"<peer id>\") using protocol …"). The log summary
 * keeps only a count and the parents' ids; the seed's share needs the pieces per parent.
 */
export async function parentPieces(
  log: LineInput | string,
  taskIds: Iterable<string>,
): Promise<Record<string, Record<string, number[]>>> {
  const only = new Set(taskIds)
  const out: Record<string, Record<string, Set<number>>> = {}
  for await (const record of dfdaemonRecords(log)) {
    const e = classifyDfdaemonRecord(record)
    if (e?.kind !== 'pieceFromParentFinished' || e.taskId === undefined || !only.has(e.taskId)) continue
    if (e.pieceNumber === undefined) continue
    const byParent = (out[e.taskId] ??= {})
    ;(byParent[e.parentId ?? UNKNOWN_PARENT] ??= new Set()).add(e.pieceNumber)
  }
  return Object.fromEntries(
    Object.entries(out).map(([task, parents]) => [
      task,
      Object.fromEntries(Object.entries(parents).map(([p, s]) => [p, [...s].sort((a, b) => a - b)])),
    ]),
  )
}

const bytesOf = (size: number, pieces: Iterable<number>) =>
  [...pieces].reduce((sum, n) => sum + pieceBytes(size, n), 0)

/** One worker's share of one layer: the origin's log for its address, its dfdaemon's log for the rest. */
export function nodeLayerBytes(
  ev: PhaseEvidence,
  node: string,
  layer: Layer,
  parents: Record<string, number[]> = {},
): NodeLayerBytes {
  const w = ev.workers.find((x) => x.node === node)
  const row = ev.origin.rows.find((r) => r.digest === layer.digest)
  const source = w?.dfdaemon.tasks[layer.taskId]?.backToSource.pieceNumbers ?? []
  const fromPeers = new Set(
    Object.entries(parents)
      .filter(([id]) => id !== UNKNOWN_PARENT)
      .flatMap(([, pieces]) => pieces),
  )
  const fromSeed = new Set(
    Object.entries(parents)
      .filter(([id]) => isSeedPeer(id))
      .flatMap(([, pieces]) => pieces),
  )
  return {
    node,
    originToNode: (w && row?.byClient[w.ip]?.bytesServed) ?? 0,
    fromSource: bytesOf(layer.size, source),
    fromPeers: bytesOf(layer.size, fromPeers),
    fromSeed: bytesOf(layer.size, fromSeed),
    sourcePieces: source.length,
    peerPieces: fromPeers.size,
    seedPieces: fromSeed.size,
  }
}

/**
 * Every large layer of one sample: origin bytes and raw amplification, each worker's share, and on
 * Dragonfly samples the attributed amplification single back-to-source computes and what the seed
 * peer fetched from the source. `parents` is, per worker, parentPieces of its dfdaemon log.
 */
export function layerSamples(
  ev: PhaseEvidence,
  layers: Layer[],
  sizes: LayerSize[],
  mode: ScaleMode,
  parents: Record<string, Record<string, Record<string, number[]>>> = {},
): LayerSample[] {
  const judged = mode === 'dragonfly' ? judgeLayers(backToSourceFacts(ev, layers, sizes)) : []
  return layers
    .filter((l) => l.size >= LARGE_LAYER_BYTES)
    .map((l) => {
      const row = ev.origin.rows.find((r) => r.digest === l.digest)
      const originBytes = row?.bytesServed ?? 0
      const j = judged.find((x) => x.digest === l.digest)
      const seedSource = ev.seed.dfdaemon.tasks[l.taskId]?.backToSource.pieceNumbers
      return {
        digest: l.digest,
        size: l.size,
        originBytes,
        rawAmplification: l.size > 0 ? originBytes / l.size : 0,
        ...(j ? { attributedAmplification: j.attributedAmplification } : {}),
        ...(mode === 'dragonfly' ? { seedFromSource: bytesOf(l.size, seedSource ?? []) } : {}),
        nodes: ev.workers.map((w) => nodeLayerBytes(ev, w.node, l, parents[w.node]?.[l.taskId])),
      }
    })
}

export function verdictOf(v: Verdict): ScaleVerdict {
  return {
    status: v.passed ? 'passed' : /^cannot judge\b/.test(v.diagnosis) ? 'cannot judge' : 'failed',
    diagnosis: v.diagnosis,
  }
}

/** The P2P checks of chapters 60 and 70 on one sample's evidence (N = 1 cannot be judged by design). */
export function p2pVerdicts(
  ev: PhaseEvidence,
  layers: Layer[],
  sizes: LayerSize[],
): Record<ScaleCheck, ScaleVerdict> {
  return {
    'remote-snapshots': verdictOf(remoteSnapshots(ev.workers, layers)),
    'via-dfdaemon': verdictOf(viaDfdaemonOf(ev, layers)),
    'task-succeeded': verdictOf(taskSucceeded(ev.workers, layers)),
    'single-back-to-source': verdictOf(singleBackToSource(backToSourceFacts(ev, layers, sizes))),
  }
}

export interface PullOutcome {
  node: string
  exitCode: number
  output: string
  durationMs: number
}

/**
 * Each node's timing. `doneAtMs` is from the shared start to the moment its outcome arrived (taken
 * by the caller); where a node's moment is missing it is derived from the pattern: all started at
 * once (its own duration), or one after the other (the running sum).
 */
export function nodeTimings(
  outcomes: PullOutcome[],
  expectOutput: string,
  pattern: 'concurrent' | 'sequential',
  doneAtMs: Record<string, number> = {},
): NodeTiming[] {
  const re = new RegExp(expectOutput, 'm')
  let elapsed = 0
  return outcomes.map((o) => {
    elapsed += o.durationMs
    const derived = pattern === 'concurrent' ? o.durationMs : elapsed
    return {
      node: o.node,
      exitCode: o.exitCode,
      ok: o.exitCode === 0 && re.test(o.output),
      durationMs: o.durationMs,
      doneAtMs: doneAtMs[o.node] ?? derived,
    }
  })
}

export function timingSummary(timings: NodeTiming[]): { p50Ms: number; maxMs: number; lastNodeMs: number } {
  if (timings.length === 0) return { p50Ms: 0, maxMs: 0, lastNodeMs: 0 }
  return {
    p50Ms: median(timings.map((t) => t.durationMs)),
    maxMs: Math.max(...timings.map((t) => t.durationMs)),
    lastNodeMs: Math.max(...timings.map((t) => t.doneAtMs)),
  }
}

/** Origin bytes and amplification over the large layers together. */
export function sampleTotals(layers: LayerSample[]): {
  originBytes: number
  largeLayerBytes: number
  rawAmplification: number
  attributedAmplification?: number
} {
  const originBytes = layers.reduce((s, l) => s + l.originBytes, 0)
  const largeLayerBytes = layers.reduce((s, l) => s + l.size, 0)
  const attributed = layers.every((l) => l.attributedAmplification !== undefined) && layers.length > 0
  return {
    originBytes,
    largeLayerBytes,
    rawAmplification: largeLayerBytes > 0 ? originBytes / largeLayerBytes : 0,
    ...(attributed
      ? {
          attributedAmplification:
            layers.reduce((s, l) => s + l.attributedAmplification! * l.size, 0) / largeLayerBytes,
        }
      : {}),
  }
}
