// The per-worker checks on real snapshotter journals: the lazy-pull capture passes, the capture
// where a plain layer fell back to a full pull fails with that layer's error. dfdaemon verdicts are
// checked on summaries shaped like the parser's output (a real dfdaemon capture is in fixtures/logs
// once the local profile has produced one).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  remoteSnapshots,
  taskSucceeded,
  viaDfdaemon,
  type WorkerEvidence,
} from '../../../helpers/checks/node-evidence.ts'
import type { DfdaemonLogSummary } from '../../../helpers/evidence/dfdaemon-log.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'

const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const journal = (f: string) => parseStargzJournal(readFileSync(path.join(dir, f), 'utf8'))
const noDfdaemon: DfdaemonLogSummary = { tasks: {}, unattributed: {}, records: 0, strayLines: 0 }

async function worker(file: string, dfdaemon = noDfdaemon): Promise<WorkerEvidence> {
  return { node: 'node-a', ip: '172.21.0.3', stargz: await journal(file), dfdaemon }
}

describe('remote snapshots', () => {
  test('the lazy-pull journal: both layers prepared, no fallback', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    const layers = w.stargz.snapshots.map((s) => ({ digest: s.layerDigest!, size: 7_901_572, taskId: 'x' }))
    const v = remoteSnapshots([w], layers)
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toBe('node-a: 2 remote snapshot(s), 0 fallbacks')
  })

  test('the fallback journal: the plain layer fell back, with its error', async () => {
    const w = await worker('stargz-journal-fallback.txt')
    const failed = w.stargz.snapshots.find((s) => s.outcome === 'failed')!
    const v = remoteSnapshots([w], [{ digest: failed.layerDigest!, size: 1, taskId: 'x' }])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /node-a: 1 layer\(s\) fell back to a full pull \(sha256:cc85f506\w*: …[^]*gzip: invalid header[^]*invalid magic number/,
    )
  })

  test('a layer the journal never prepared is named', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    const other = 'sha256:' + 'ab'.repeat(32)
    const v = remoteSnapshots([w], [{ digest: other, size: 1, taskId: 'x' }])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/none for sha256:abababababab/)
  })
})

describe('dfdaemon verdicts', () => {
  const layer = { digest: 'sha256:' + '3e'.repeat(32), size: 20 * 2 ** 20, taskId: '3e'.repeat(32) }

  test('no task in dfdaemon while the origin served the node: mirror bypassed', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    const origin = {
      rows: [{ digest: layer.digest, byClient: { '172.21.0.3': { contentBytes: 12345 } } }],
    } as unknown as Parameters<typeof viaDfdaemon>[2]
    const v = viaDfdaemon([w], [layer], origin)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /mirror bypassed on node-a: dfdaemon saw no task 3e3e3e3e3e3e .* origin served 12345 bytes of it to 172.21.0.3 directly/,
    )
  })

  test('a task that never reported success is a failure naming why', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    const v = taskSucceeded([w], [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/never started/)
  })
})

describe('dfdaemon verdicts on the real P2P capture', () => {
  const p2p = path.join(dir, 'p2p-local')
  const digest = 'sha256:191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'
  const layer = { digest, size: 69_688_919, taskId: digest.slice(7) }

  async function fromCapture(log: string): Promise<WorkerEvidence> {
    const { summarizeDfdaemonLog } = await import('../../../helpers/evidence/dfdaemon-log.ts')
    return {
      node: log,
      ip: '172.24.0.3',
      stargz: await parseStargzJournal(readFileSync(path.join(p2p, 'stargz-journal-worker.txt'), 'utf8')),
      dfdaemon: await summarizeDfdaemonLog(readFileSync(path.join(p2p, log), 'utf8'), {
        taskIds: [layer.taskId],
      }),
    }
  }

  test('both workers: the layer task was seen, served its ranges and finished as a whole', async () => {
    const ws = [await fromCapture('dfdaemon-worker.log'), await fromCapture('dfdaemon-worker2.log')]
    expect(viaDfdaemon(ws, [layer]).passed).toBe(true)
    const v = taskSucceeded(ws, [layer])
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(/17 pieces from peers, 3 from source/)
  })

  test('a log cut before the prefetch finished fails: ranges served, whole blob not complete', async () => {
    const text = readFileSync(path.join(p2p, 'dfdaemon-worker.log'), 'utf8')
    const cut = text.slice(0, text.indexOf('sent DownloadPeerFinishedRequest'))
    const { summarizeDfdaemonLog } = await import('../../../helpers/evidence/dfdaemon-log.ts')
    const w = { ...(await fromCapture('dfdaemon-worker.log')), dfdaemon: await summarizeDfdaemonLog(cut) }
    const v = taskSucceeded([w], [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/whole blob never completed/)
  })
})
