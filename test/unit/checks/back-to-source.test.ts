// Single back-to-source on real captures and on the pulls that fooled the old rule: a real P2P pull
// (fixtures/logs/p2p-local) passes; a real direct two-node pull fails; a two-worker pull with no P2P
// saving (each worker taking half the layer through dfdaemon's small-range path) fails with a margin.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  attributionMode,
  dfdaemonPieceLength,
  lazyPullPieces,
  singleBackToSource,
  type BackToSourceFacts,
} from '../../../helpers/checks/back-to-source.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests, type RegistryRequest } from '../../../helpers/evidence/registry-log.ts'

const MiB = 2 ** 20
const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const p2pDir = path.join(dir, 'p2p-local')
const p2pManifest = parseManifest(readFileSync(path.join(p2pDir, 'manifest.json'), 'utf8'))
const p2pLayer = p2pManifest.layers[0]!
// The capture's snapshotter read the TOC from 69,250,000 (its 50,000-byte fetch unit), so the TOC
// starts in [69,250,000, 69,300,000): in piece 16, the last one. The layer has .no.prefetch.landmark
// as its first member (nerdctl's default), so the front of the geometry is piece 0.
const p2pGeometry = { digest: p2pLayer.digest, size: p2pLayer.size, tocOffset: 69_250_000, landmarkOffset: 0 }
const workers = [
  { node: 'd7y-stargz-worker', ip: '172.24.0.3', log: 'dfdaemon-worker.log' },
  { node: 'd7y-stargz-worker2', ip: '172.24.0.4', log: 'dfdaemon-worker2.log' },
]
// dfdaemon's BACK_TO_SOURCE metric over the cluster in that run: what the origin sent.
const p2pBackToSource = 69_688_920 + 10_968_664 + 6_774_360

async function p2pFacts(): Promise<BackToSourceFacts> {
  const report = await accountOrigin(
    registryRequests(readFileSync(path.join(p2pDir, 'registry.log'), 'utf8')),
    p2pManifest,
  )
  const reads = []
  for (const w of workers) {
    const summary = await summarizeDfdaemonLog(readFileSync(path.join(p2pDir, w.log), 'utf8'))
    const task = summary.tasks[p2pLayer.digest.slice(7)]!
    reads.push({ node: w.node, ip: w.ip, smallRangePieces: task.backToSource.smallRangePieceNumbers })
  }
  return {
    rows: report.rows,
    layers: [p2pGeometry],
    nodes: 2,
    dfdaemonBackToSourceBytes: p2pBackToSource,
    smallRangeReads: { [p2pLayer.digest]: reads },
    seedIps: ['172.24.0.2'],
  }
}

describe('on the real P2P capture', () => {
  test('passes, reporting raw and attributed amplification and what was excused', async () => {
    const v = singleBackToSource(await p2pFacts())
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(/raw 1\.25x \(83\.4 MiB of 66\.5 MiB to 3 clients\), attributed 1\.0\dx/)
    // worker: pieces 0 and 16 excused (probe + TOC/footer), piece 15 an on-demand read; worker2: 0 and 16
    expect(v.diagnosis).toMatch(
      /excused lazy-pull reads d7y-stargz-worker 6\.5 MiB, d7y-stargz-worker2 6\.5 MiB/,
    )
    expect(v.diagnosis).toMatch(/on-demand source pieces d7y-stargz-worker piece\(s\) 15/)
    expect(v.diagnosis).toMatch(/attributed by client IP/)
  })

  test('without the TOC offset the reads cannot be bounded: cannot judge (red)', async () => {
    const f = await p2pFacts()
    const v = singleBackToSource({ ...f, layers: [{ digest: p2pLayer.digest, size: p2pLayer.size }] })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/^cannot judge: no TOC offset/)
  })

  test('metrics that could not be read are a cannot-judge, never a skipped witness', async () => {
    const v = singleBackToSource({ ...(await p2pFacts()), dfdaemonBackToSourceBytes: 'connection refused' })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toBe("cannot judge: dfdaemon's metrics could not be read: connection refused")
  })

  test("fails when dfdaemon's metric shows the bytes did not go through Dragonfly", async () => {
    const v = singleBackToSource({ ...(await p2pFacts()), dfdaemonBackToSourceBytes: 10 * MiB })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/did not go through Dragonfly/)
  })

  test('one worker cannot show P2P: cannot judge', async () => {
    const v = singleBackToSource({ ...(await p2pFacts()), nodes: 1 })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/^cannot judge: 1 worker pulled/)
  })

  test('a seed peer on a worker address switches attribution to the log, and says so', async () => {
    const f = await p2pFacts()
    expect(attributionMode({ ...f, seedIps: ['172.24.0.3'] }).why).toMatch(/attributed by dfdaemon's log/)
    const v = singleBackToSource({ ...f, seedIps: ['172.24.0.3'] })
    expect(v.diagnosis).toMatch(/seed peer shares the address 172\.24\.0\.3/)
  })
})

describe('the real direct two-node pull (no P2P, no dfdaemon)', () => {
  const log = readFileSync(path.join(dir, 'registry-origin-2-nodes.log'), 'utf8')
  const manifest = parseManifest(
    readFileSync(path.join(dir, 'registry-origin-2-nodes.manifest.json'), 'utf8'),
  )
  const layer = manifest.layers[0]!

  test('fails: the layer left the origin twice', async () => {
    const report = await accountOrigin(registryRequests(log), manifest)
    const v = singleBackToSource({
      rows: report.rows,
      // ~7.9 MB, below the 16 MiB threshold: judged at 1 MiB here; TOC near the end
      layers: [{ digest: layer.digest, size: layer.size, tocOffset: layer.size - 60_000 }],
      largeLayerBytes: MiB,
      nodes: 2,
      dfdaemonBackToSourceBytes: 0,
      smallRangeReads: {},
      seedIps: [],
    })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/the origin served sha256:\w+ more than once: .*raw 2\.\d\dx/)
  })
})

// The pull that fooled the old rule: a 64 MiB layer, the shared transfer to the seed, and each of
// 2 workers taking `share` of the layer itself through dfdaemon's small-range path.
function noSavingPull(share: number): BackToSourceFacts {
  const size = 64 * MiB
  const piece = dfdaemonPieceLength(size)
  const pieces = size / piece
  const digest = `sha256:${'a'.repeat(64)}`
  const uri = `/v2/conformance/python/blobs/${digest}`
  const req = (client: string, written: number): RegistryRequest => ({
    method: 'GET',
    uri,
    status: 206,
    written,
    client,
    blobDigest: digest,
  })
  const taken = Math.round(pieces * share)
  const requests = [req('10.0.0.2', size)]
  const smallRangeReads = ['10.0.0.3', '10.0.0.4'].map((ip, i) => {
    // each worker's pieces: the lazy-pull ones (0 and the last) and then whatever else it took
    const mine = [0, pieces - 1, ...Array.from({ length: taken - 2 }, (_, k) => 1 + k + i * 4)]
    requests.push(...mine.map(() => req(ip, piece)))
    return { node: `worker${i + 1}`, ip, smallRangePieces: mine }
  })
  return {
    rows: [],
    layers: [{ digest, size, tocOffset: size - 300_000, landmarkOffset: 0 }],
    nodes: 2,
    dfdaemonBackToSourceBytes: size * (1 + 2 * share),
    smallRangeReads: { [digest]: smallRangeReads },
    seedIps: ['10.0.0.2'],
    _requests: requests,
  } as BackToSourceFacts & { _requests: RegistryRequest[] }
}

async function withRows(
  f: BackToSourceFacts & { _requests?: RegistryRequest[] },
): Promise<BackToSourceFacts> {
  const l = f.layers[0]!
  const manifest = {
    config: { mediaType: 'c', digest: 'sha256:c', size: 1 },
    layers: [{ mediaType: 'l', ...l }],
  }
  const report = await accountOrigin(f._requests ?? [], manifest)
  return { ...f, rows: report.rows }
}

describe('a two-worker pull with no P2P saving', () => {
  test('2.00x (each worker took half the layer itself) fails', async () => {
    const v = singleBackToSource(await withRows(noSavingPull(0.5)))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/raw 2\.00x .* attributed 1\.75x/)
  })

  test('with a margin: 1.50x (each took a quarter) fails too', async () => {
    const v = singleBackToSource(await withRows(noSavingPull(0.25)))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/raw 1\.50x/)
  })

  test('the lazy-pull reads alone (2 pieces each) pass', async () => {
    const v = singleBackToSource(await withRows(noSavingPull(2 / 16)))
    expect(v.passed, v.diagnosis).toBe(true)
  })
})

describe('lazy-pull geometry', () => {
  test('the probe and landmark pieces at the front, the TOC and footer pieces at the end', () => {
    const size = 66 * MiB
    expect(lazyPullPieces({ digest: 'd', size, tocOffset: size - 100 })).toEqual([0, 16])
    expect(lazyPullPieces({ digest: 'd', size, tocOffset: 60 * MiB, landmarkOffset: 9 * MiB })).toEqual([
      0, 1, 2, 15, 16,
    ])
    expect(lazyPullPieces({ digest: 'd', size })).toBeUndefined()
  })
})
