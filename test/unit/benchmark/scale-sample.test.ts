// One scale sample's numbers from the real P2P capture (fixtures/logs/p2p-local: two workers, one
// 66.5 MiB layer, the seed peer on the control plane): each node's bytes from the source, from peers
// and from the seed, the layer's raw and attributed amplification, the P2P verdicts, and timings.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  UNKNOWN_PARENT,
  isSeedPeer,
  layerSamples,
  nodeTimings,
  p2pVerdicts,
  parentPieces,
  sampleTotals,
  timingSummary,
  verdictOf,
} from '../../../helpers/benchmark/scale-sample.ts'
import { pieceBytes } from '../../../helpers/checks/back-to-source.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'
import type { PhaseEvidence } from '../../../helpers/run/pull-phase.ts'

const MiB = 2 ** 20
const dir = path.join(import.meta.dirname, '../../../fixtures/logs/p2p-local')
const text = (f: string) => readFileSync(path.join(dir, f), 'utf8')
const digest = 'sha256:191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'
const size = 69_688_919
const layer = { digest, size, taskId: digest.slice(7) }
// The capture's TOC offset (see test/unit/checks/back-to-source.test.ts)
const geometry = [{ digest, size, tocOffset: 69_250_000, landmarkOffset: 0 }]
const workers = [
  { node: 'worker', ip: '172.24.0.3', log: 'dfdaemon-worker.log' },
  { node: 'worker2', ip: '172.24.0.4', log: 'dfdaemon-worker2.log' },
]
const SEED = '172.24.0.2-d7y-stargz-control-plane-cf3ff668-8bfb-494a-9ebb-bd50464f18a6-seed'
const lastPiece = size - 16 * 4 * MiB

async function evidence(): Promise<PhaseEvidence> {
  const taskIds = [layer.taskId]
  return {
    mark: { runId: 'r', hostSince: '2026-11-27T22:14:19Z', nodeSince: {} },
    workers: await Promise.all(
      workers.map(async (w) => ({
        node: w.node,
        ip: w.ip,
        stargz: await parseStargzJournal(text('stargz-journal-worker.txt')),
        dfdaemon: await summarizeDfdaemonLog(text(w.log), { taskIds }),
        traffic: { backToSource: 0, remotePeer: 60 * MiB, localPeer: 0, total: 60 * MiB },
      })),
    ),
    origin: await accountOrigin(registryRequests(text('registry.log')), parseManifest(text('manifest.json'))),
    seed: { ip: '172.24.0.2', dfdaemon: await summarizeDfdaemonLog(text('dfdaemon-seed.log'), { taskIds }) },
    backToSourceBytes: 69_688_920 + 10_968_664 + 6_774_360,
  }
}

async function parents() {
  const out: Record<string, Record<string, Record<string, number[]>>> = {}
  for (const w of workers) out[w.node] = await parentPieces(text(w.log), [layer.taskId])
  return out
}

describe('pieces per parent from dfdaemon logs', () => {
  test('the worker that fetched first took every shared piece from the seed; the second split them', async () => {
    const p = await parents()
    expect(p.worker![layer.taskId]).toEqual({
      [UNKNOWN_PARENT]: [0, 15, 16],
      [SEED]: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    })
    const second = p.worker2![layer.taskId]!
    expect(second[SEED]).toEqual([2, 4, 8, 10, 11, 12, 15])
    expect(second['172.24.0.3-d7y-stargz-worker-31d41ad6-523c-4c8e-9b34-49d5315f6bc0']).toEqual([
      1, 3, 5, 6, 7, 9, 13, 14,
    ])
    expect(isSeedPeer(SEED)).toBe(true)
    expect(isSeedPeer('172.24.0.3-d7y-stargz-worker-31d41ad6')).toBe(false)
  })

  test('other tasks are not read', async () => {
    expect(await parentPieces(text('dfdaemon-worker.log'), ['another-task'])).toEqual({})
  })
})

describe('layer samples', () => {
  test('Dragonfly: origin bytes, raw and attributed amplification, and each node by source', async () => {
    const [l] = layerSamples(await evidence(), [layer], geometry, 'dragonfly', await parents())
    expect(l!.originBytes).toBe(69_688_920 + 10_968_664 + 6_774_360)
    expect(l!.rawAmplification).toBeCloseTo(1.2546, 4)
    expect(l!.attributedAmplification).toBeGreaterThan(1)
    expect(l!.attributedAmplification).toBeLessThan(l!.rawAmplification)
    expect(l!.seedFromSource).toBe(size)
    expect(l!.nodes).toEqual([
      {
        node: 'worker',
        originToNode: 10_968_664,
        // pieces 0 and 15 whole, 16 the short last one ("None" parents are these same pieces)
        fromSource: 2 * 4 * MiB + lastPiece,
        fromPeers: 14 * 4 * MiB,
        fromSeed: 14 * 4 * MiB,
        sourcePieces: 3,
        peerPieces: 14,
        seedPieces: 14,
      },
      {
        node: 'worker2',
        originToNode: 6_774_360,
        fromSource: 4 * MiB + lastPiece,
        fromPeers: 15 * 4 * MiB,
        fromSeed: 7 * 4 * MiB,
        sourcePieces: 2,
        peerPieces: 15,
        seedPieces: 7,
      },
    ])
    // every piece of the layer reached each node once
    for (const n of l!.nodes) expect(n.fromSource + n.fromPeers).toBe(size)
    expect(pieceBytes(size, 16)).toBe(lastPiece)
  })

  test('direct: origin bytes per node only, no attribution, no seed', async () => {
    const [l] = layerSamples(await evidence(), [layer], geometry, 'direct')
    expect(l!.attributedAmplification).toBeUndefined()
    expect(l!.seedFromSource).toBeUndefined()
    expect(l!.nodes.map((n) => n.originToNode)).toEqual([10_968_664, 6_774_360])
    expect(l!.nodes.every((n) => n.fromPeers === 0 && n.fromSeed === 0)).toBe(true)
  })

  test('small layers are left out; totals weight attributed amplification by size', async () => {
    const ev = await evidence()
    expect(layerSamples(ev, [{ ...layer, size: 1000 }], geometry, 'dragonfly')).toEqual([])
    const t = sampleTotals([
      {
        digest: 'a',
        size: 100,
        originBytes: 150,
        rawAmplification: 1.5,
        attributedAmplification: 1,
        nodes: [],
      },
      {
        digest: 'b',
        size: 300,
        originBytes: 300,
        rawAmplification: 1,
        attributedAmplification: 1,
        nodes: [],
      },
    ])
    expect(t).toEqual({
      originBytes: 450,
      largeLayerBytes: 400,
      rawAmplification: 1.125,
      attributedAmplification: 1,
    })
    expect(sampleTotals([]).attributedAmplification).toBeUndefined()
  })
})

describe('verdicts', () => {
  test('the P2P checks of chapters 60 and 70 on the capture', async () => {
    const v = p2pVerdicts(await evidence(), [layer], geometry)
    expect(v['single-back-to-source'].status).toBe('passed')
    expect(v['via-dfdaemon'].status).toBe('passed')
    expect(v['task-succeeded'].status).toBe('passed')
    expect(Object.keys(v)).toEqual([
      'remote-snapshots',
      'via-dfdaemon',
      'task-succeeded',
      'single-back-to-source',
    ])
  })

  test('one worker: the P2P verdicts cannot judge, by design', async () => {
    const ev = await evidence()
    const one = { ...ev, workers: ev.workers.slice(0, 1) }
    const v = p2pVerdicts(one, [layer], geometry)
    expect(v['single-back-to-source'].status).toBe('cannot judge')
    expect(v['task-succeeded'].status).toBe('cannot judge')
  })

  test('status from a verdict', () => {
    expect(verdictOf({ passed: true, diagnosis: 'ok', evidence: {} }).status).toBe('passed')
    expect(verdictOf({ passed: false, diagnosis: 'cannot judge: x', evidence: {} }).status).toBe(
      'cannot judge',
    )
    expect(verdictOf({ passed: false, diagnosis: 'the origin served it twice', evidence: {} }).status).toBe(
      'failed',
    )
  })
})

describe('timings', () => {
  const outcomes = [
    { node: 'w1', exitCode: 0, output: 'Python 3.11.2', durationMs: 3000 },
    { node: 'w2', exitCode: 0, output: 'Python 3.11.2', durationMs: 1000 },
    { node: 'w3', exitCode: 1, output: 'error', durationMs: 2000 },
  ]

  test('moments taken by the caller win; missing ones are derived from the pattern', () => {
    const seq = nodeTimings(outcomes, '^Python 3', 'sequential', { w1: 3050 })
    expect(seq.map((t) => t.doneAtMs)).toEqual([3050, 4000, 6000])
    expect(seq.map((t) => t.ok)).toEqual([true, true, false])
    const con = nodeTimings(outcomes, '^Python 3', 'concurrent')
    expect(con.map((t) => t.doneAtMs)).toEqual([3000, 1000, 2000])
  })

  test('p50 and max of the nodes, and the last node from the shared start', () => {
    expect(timingSummary(nodeTimings(outcomes, '^Python 3', 'sequential'))).toEqual({
      p50Ms: 2000,
      maxMs: 3000,
      lastNodeMs: 6000,
    })
    expect(timingSummary([])).toEqual({ p50Ms: 0, maxMs: 0, lastNodeMs: 0 })
  })
})
