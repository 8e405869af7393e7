// Single back-to-source on real captures: a real P2P pull (fixtures/logs/p2p-local) passes; the fresh
// machine's race (fixtures/logs/race-fresh-gate: the first worker's lazy reads reached the origin
// while its task waited for parents) and the flake series' race (fixtures/logs/race-in-flight: a read
// 0.8 ms after the task got its parents, before it put that piece in flight) pass with those reads
// measured, and turn red as soon as the same pieces were in flight in the node's own task or never
// came from a parent; a real direct two-node pull fails; a two-worker pull with no P2P saving fails.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import {
  attributionMode,
  dfdaemonPieceLength,
  PROBES_PER_NODE,
  singleBackToSource,
  judgeLayers,
  type BackToSourceFacts,
  type NodeSourceReads,
} from '../../../helpers/checks/back-to-source.ts'
import { classifyOnDemandReads, type NodePieceClock } from '../../../helpers/checks/on-demand-reads.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest, PROBE_MAX_BYTES } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests, type RegistryRequest } from '../../../helpers/evidence/registry-log.ts'

const MiB = 2 ** 20
const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const text = (f: string) =>
  f.endsWith('.gz') ? gunzipSync(readFileSync(f)).toString() : readFileSync(f, 'utf8')

/** A capture's facts: its origin log, manifest, worker and seed dfdaemon logs, read by the real parsers. */
async function captureFacts(capture: {
  dir: string
  registry: string
  workers: { node: string; ip: string; log: string }[]
  seed: string
  seedIp: string
  /** dfdaemon's BACK_TO_SOURCE metric over the cluster; absent: what the origin sent for the layer */
  backToSource?: number
}): Promise<BackToSourceFacts> {
  const manifest = parseManifest(readFileSync(path.join(capture.dir, 'manifest.json'), 'utf8'))
  const layer = manifest.layers[0]!
  const taskId = layer.digest.slice(7)
  const report = await accountOrigin(
    registryRequests(text(path.join(capture.dir, capture.registry))),
    manifest,
  )
  const reads: NodeSourceReads[] = []
  for (const w of capture.workers) {
    const summary = await summarizeDfdaemonLog(text(path.join(capture.dir, w.log)))
    reads.push({ node: w.node, ip: w.ip, clock: { node: w.node, ...summary.tasks[taskId]!.pieceClock } })
  }
  const seed = await summarizeDfdaemonLog(text(path.join(capture.dir, capture.seed)))
  return {
    rows: report.rows,
    layers: [{ digest: layer.digest, size: layer.size }],
    nodes: capture.workers.length,
    dfdaemonBackToSourceBytes:
      capture.backToSource ?? report.rows.find((r) => r.digest === layer.digest)!.bytesServed,
    smallRangeReads: { [layer.digest]: reads },
    seedClocks: { [layer.digest]: [{ node: 'seed-peer', ...seed.tasks[taskId]!.pieceClock }] },
    seedIps: [capture.seedIp],
  }
}

// Captured 2026-11-27: the two workers pulled one after the other.
const p2pFacts = () =>
  captureFacts({
    dir: path.join(dir, 'p2p-local'),
    registry: 'registry.log',
    workers: [
      { node: 'd7y-stargz-worker', ip: '172.24.0.3', log: 'dfdaemon-worker.log' },
      { node: 'd7y-stargz-worker2', ip: '172.24.0.4', log: 'dfdaemon-worker2.log' },
    ],
    seed: 'dfdaemon-seed.log',
    seedIp: '172.24.0.2',
    // dfdaemon's BACK_TO_SOURCE metric over the cluster in that run: what the origin sent.
    backToSource: 69_688_920 + 10_968_664 + 6_774_360,
  })

// Captured 2026-12-05 on a fresh machine: both workers at once; worker2 registered first.
const raceFacts = () =>
  captureFacts({
    dir: path.join(dir, 'race-fresh-gate'),
    registry: 'registry.log.gz',
    workers: [
      { node: 'd7y-stargz-worker', ip: '172.18.0.3', log: 'dfdaemon-worker.log.gz' },
      { node: 'd7y-stargz-worker2', ip: '172.18.0.4', log: 'dfdaemon-worker2.log.gz' },
    ],
    seed: 'dfdaemon-seed.log.gz',
    seedIp: '172.18.0.2',
    // that run's summary did not keep the metric
  })

// Captured 2026-12-05 in the flake series (run 10): both workers at once.
const inFlightFacts = () =>
  captureFacts({
    dir: path.join(dir, 'race-in-flight'),
    registry: 'registry.log.gz',
    workers: [
      { node: 'd7y-stargz-worker', ip: '172.27.0.3', log: 'dfdaemon-worker.log.gz' },
      { node: 'd7y-stargz-worker2', ip: '172.27.0.4', log: 'dfdaemon-worker2.log.gz' },
    ],
    seed: 'dfdaemon-seed.log.gz',
    seedIp: '172.27.0.2',
  })

/** The same facts with every piece one node read on demand in flight in its own task from `time` on. */
function inFlightFrom(f: BackToSourceFacts, node: string, time: string): BackToSourceFacts {
  const [digest, reads] = Object.entries(f.smallRangeReads)[0]!
  const moved = reads.map((r) => {
    if (r.node !== node) return r
    const started = Object.fromEntries(Object.keys(r.clock.smallRangeStartedAt).map((p) => [p, time]))
    return { ...r, clock: { ...r.clock, scheduledStartedAt: { ...r.clock.scheduledStartedAt, ...started } } }
  })
  return { ...f, smallRangeReads: { [digest]: moved } }
}

/**
 * The real P2P capture with worker2's pull cut out of the origin's log (its image already on the node);
 * its dfdaemon log kept or emptied.
 */
async function withoutWorker2Pull(opts: { keepItsLog: boolean }): Promise<BackToSourceFacts> {
  const p2p = path.join(dir, 'p2p-local')
  async function* requests() {
    for await (const r of registryRequests(text(path.join(p2p, 'registry.log'))))
      if (r.client !== '172.24.0.4') yield r
  }
  const report = await accountOrigin(
    requests(),
    parseManifest(readFileSync(path.join(p2p, 'manifest.json'), 'utf8')),
  )
  const f = await p2pFacts()
  const [digest, reads] = Object.entries(f.smallRangeReads)[0]!
  const none = {
    smallRangeStartedAt: {},
    smallRangeRequestedAt: {},
    scheduledFinishedAt: {},
    parentFinishedAt: {},
    scheduledStartedAt: {},
  }
  return {
    ...f,
    rows: report.rows,
    smallRangeReads: {
      [digest]: opts.keepItsLog
        ? reads
        : reads.map((r) =>
            r.node === 'd7y-stargz-worker2' ? { ...r, clock: { node: r.node, ...none } } : r,
          ),
    },
    dfdaemonBackToSourceBytes: 69_688_920 + 10_968_664,
  }
}

describe('on the real P2P capture (sequential pulls)', () => {
  test('passes, reporting raw and attributed amplification, why each source read was excused, and the bytes fetched twice', async () => {
    const v = singleBackToSource(await p2pFacts())
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(/raw 1\.25x \(83\.4 MiB of 66\.5 MiB to 3 clients\), attributed 1\.00x/)
    // worker: 0 and 16 before anyone had them, 15 while its task waited for the seed peer;
    // worker2: 0 and 16 in the ~100 ms before the scheduler named its parents
    expect(v.diagnosis).toMatch(/before any peer had them: d7y-stargz-worker 0,16/)
    expect(v.diagnosis).toMatch(
      /before the node's own task had them in flight: d7y-stargz-worker 15, d7y-stargz-worker2 0,16; parents named after the first read: d7y-stargz-worker 725 ms, d7y-stargz-worker2 101 ms/,
    )
    expect(v.diagnosis).toMatch(/fetched twice 16\.9 MiB/)
    expect(v.diagnosis).toMatch(/attributed by client IP/)
  })

  test('a worker that never pulled is no pull: red, not a 2-worker pass at 1.16x (it passed before)', async () => {
    const facts = await withoutWorker2Pull({ keepItsLog: false })
    expect(judgeLayers(facts)[0]!.rawAmplification).toBeCloseTo(1.16, 2)
    const v = singleBackToSource(facts)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^no evidence of a pull on d7y-stargz-worker2 for sha256:191cf48bb5cb: no piece in the node's dfdaemon log and nothing from the origin/,
    )
  })

  test("excused bytes are capped by what the origin sent the node's address in dfdaemon-log attribution too (6.5 MiB excused to a node sent nothing before)", async () => {
    // worker2's log kept, its origin requests gone, and the seed peer on worker's address
    const facts = { ...(await withoutWorker2Pull({ keepItsLog: true })), seedIps: ['172.24.0.3'] }
    expect(attributionMode(facts).mode).toBe('dfdaemon-log')
    const j = judgeLayers(facts)[0]!
    expect(j.excusedBytes['d7y-stargz-worker2']).toBeUndefined()
    expect(j.excusedBytes['d7y-stargz-worker']).toBeGreaterThan(10 * MiB)
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

  test("worker2's reads of pieces its own task had in flight, which worker and the seed held, are red", async () => {
    const v = singleBackToSource(
      inFlightFrom(await p2pFacts(), 'd7y-stargz-worker2', '2026-11-27T22:14:21.000Z'),
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /on-demand source pieces P2P should have served: d7y-stargz-worker2 piece 0 at 22:14:21\.449 \([^;]+; in flight in its own task since 22:14:21\.000, before the request came: dfdaemon did not wait for it\)/,
    )
  })
})

describe('on the fresh machine race (concurrent pulls, fixtures/logs/race-fresh-gate)', () => {
  test("passes: worker2's on-demand reads of pieces 6-10 came while the scheduler had not yet named its parents", async () => {
    const v = singleBackToSource(await raceFacts())
    expect(v.passed, v.diagnosis).toBe(true)
    // The same origin bytes the old rule judged 1.36x attributed; now each read is placed in time.
    expect(v.diagnosis).toMatch(/raw 1\.56x \(103\.4 MiB of 66\.5 MiB to 3 clients\), attributed 1\.00x/)
    expect(v.diagnosis).toMatch(
      /before any peer had them: d7y-stargz-worker2 0,16,15, d7y-stargz-worker 0,16/,
    )
    expect(v.diagnosis).toMatch(
      /before the node's own task had them in flight: d7y-stargz-worker2 7,9,8,10,6; parents named after the first read: [^;)]*d7y-stargz-worker2 683 ms/,
    )
    // 8 pieces of worker2 (30.5 MiB) and 2 of worker (6.5 MiB) came from the origin and from peers
    expect(v.diagnosis).toMatch(/fetched twice 36\.9 MiB/)
  })

  test('the same reads of pieces already in flight in its own task are red, naming who held each piece', async () => {
    const f = inFlightFrom(await raceFacts(), 'd7y-stargz-worker2', '2026-12-05T06:21:51.100Z')
    const v = singleBackToSource(f)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /d7y-stargz-worker2 piece 7 at 06:21:51\.479 \(seed-peer had it since 06:21:51\.290; in flight in its own task since 06:21:51\.100, before the request came: dfdaemon did not wait for it\)/,
    )
    expect(judgeLayers(f)[0]!.missedPieces).toEqual({ 'd7y-stargz-worker2': [7, 9, 8, 10, 6] })
  })

  test('a node whose task never got parents has no excuse once a peer holds the piece (P2P blocked, prefetch off)', async () => {
    const f = await raceFacts()
    const [digest, reads] = Object.entries(f.smallRangeReads)[0]!
    const orphan = reads.map((r) => {
      if (r.node !== 'd7y-stargz-worker2') return r
      const clock = { ...r.clock, parentFinishedAt: {} }
      delete clock.firstParentPieceAt
      return { ...r, clock }
    })
    const v = singleBackToSource({ ...f, smallRangeReads: { [digest]: orphan } })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /d7y-stargz-worker2 8 piece\(s\) its own task never got from a parent \(0,16,15,7,9,8,10,6; 5 of them a peer already held, first 06:21:51\.479: seed-peer since 06:21:51\.290\)/,
    )
  })
})

describe('on the flake series race (fixtures/logs/race-in-flight: a read 0.8 ms after the parents were named)', () => {
  test("passes: piece 7 was not yet in flight in worker2's own task, which then got it from a parent", async () => {
    const f = await inFlightFacts()
    const v = singleBackToSource(f)
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(/raw 1\.37x/)
    const read = judgeLayers(f)[0]!.onDemand.find((r) => r.node === 'd7y-stargz-worker2' && r.piece === 7)
    expect(read).toMatchObject({
      reason: 'not-in-flight',
      at: '2026-12-05T08:29:01.149526Z',
      alsoFromPeers: true,
    })
  })

  test('red once piece 7 is in flight before the read (dfdaemon should have waited for it)', async () => {
    const v = singleBackToSource(
      inFlightFrom(await inFlightFacts(), 'd7y-stargz-worker2', '2026-12-05T08:29:00.600Z'),
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /d7y-stargz-worker2 piece 7 at 08:29:01\.149 \(seed-peer had it since 08:29:00\.737; in flight/,
    )
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
      // ~7.9 MB, below the 16 MiB threshold: judged at 1 MiB here
      layers: [{ digest: layer.digest, size: layer.size }],
      largeLayerBytes: MiB,
      nodes: 2,
      dfdaemonBackToSourceBytes: 0,
      smallRangeReads: {},
      seedClocks: {},
      seedIps: [],
    })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/the origin served sha256:\w+ more than once: .*raw 2\.\d\dx/)
  })
})

describe("at the allowance's edge, on the real direct pull's requests (fixtures/logs/registry-origin-2-nodes.log)", () => {
  // The allowance for 2 nodes: the layer once plus PROBES_PER_NODE probes of PROBE_MAX_BYTES per node.
  // The origin's real responses to 172.21.0.3 for the layer, in the order it logged them, play the one
  // shared transfer (the seed's), cut to the byte where the origin's total reaches `total`; 172.21.0.4's
  // are left out (served by peers). Everything else in the log (manifest, config) is kept.
  const log = readFileSync(path.join(dir, 'registry-origin-2-nodes.log'), 'utf8')
  const manifest = parseManifest(
    readFileSync(path.join(dir, 'registry-origin-2-nodes.manifest.json'), 'utf8'),
  )
  const layer = manifest.layers[0]!
  const limit = layer.size + 2 * PROBES_PER_NODE * PROBE_MAX_BYTES

  async function cutAt(total: number): Promise<BackToSourceFacts> {
    const kept: RegistryRequest[] = []
    let sent = 0
    for await (const r of registryRequests(log)) {
      if (r.blobDigest !== layer.digest) kept.push(r)
      else if (r.client === '172.21.0.3' && sent < total) {
        const written = Math.min(r.written, total - sent)
        kept.push({ ...r, written })
        sent += written
      }
    }
    expect(sent).toBe(total)
    const report = await accountOrigin(kept, manifest)
    return {
      rows: report.rows,
      layers: [{ digest: layer.digest, size: layer.size }],
      // ~7.9 MB, below the 16 MiB threshold: judged from 1 MiB here
      largeLayerBytes: MiB,
      nodes: 2,
      // dfdaemon fetched what the origin sent
      dfdaemonBackToSourceBytes: total,
      smallRangeReads: {},
      seedClocks: {},
      seedIps: ['172.21.0.3'],
    }
  }

  test('exactly at the allowance (the layer once plus 8 probes of 4 KiB) passes', async () => {
    const f = await cutAt(limit)
    expect(judgeLayers(f)[0]).toMatchObject({ bytesServed: limit, sharedBytes: limit, limit })
    const v = singleBackToSource(f)
    expect(v.passed, v.diagnosis).toBe(true)
  })

  test('one byte past the allowance fails', async () => {
    const v = singleBackToSource(await cutAt(limit + 1))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/^the origin served sha256:3e528d228dff more than once: /)
    // at the edge the ratios all read 1.00x: the bytes say by how much
    expect(v.diagnosis).toMatch(/: 1 B over the allowance of 7934340 B \(the layer once plus probes\)/)
  })
})

// A 64 MiB layer: the shared transfer to the seed (every piece finished by t0 + 1 s), and each of 2
// workers taking `share` of the layer itself through dfdaemon's small-range path after that, its own
// task never served by a parent.
function noSavingPull(share: number): BackToSourceFacts & { _requests: RegistryRequest[] } {
  const size = 64 * MiB
  const piece = dfdaemonPieceLength(size)
  const pieces = size / piece
  const digest = `sha256:${'a'.repeat(64)}`
  const uri = `/v2/conformance/python/blobs/${digest}`
  const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 6, 0, 0) + s * 1000).toISOString()
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
  const all = Array.from({ length: pieces }, (_, k) => k)
  const seed: NodePieceClock = {
    node: 'seed-peer',
    smallRangeStartedAt: {},
    smallRangeRequestedAt: {},
    scheduledFinishedAt: Object.fromEntries(all.map((k) => [k, at(1)])),
    parentFinishedAt: {},
    scheduledStartedAt: Object.fromEntries(all.map((k) => [k, at(0)])),
  }
  const smallRangeReads = ['10.0.0.3', '10.0.0.4'].map((ip, i): NodeSourceReads => {
    const mine = Array.from({ length: taken }, (_, k) => (k + i * 4) % pieces)
    requests.push(...mine.map(() => req(ip, piece)))
    const node = `worker${i + 1}`
    return {
      node,
      ip,
      clock: {
        node,
        smallRangeStartedAt: Object.fromEntries(mine.map((k) => [k, at(2)])),
        smallRangeRequestedAt: Object.fromEntries(mine.map((k) => [k, at(1.9)])),
        scheduledStartedAt: {},
        scheduledFinishedAt: {},
        parentFinishedAt: {},
      },
    }
  })
  return {
    rows: [],
    layers: [{ digest, size }],
    nodes: 2,
    dfdaemonBackToSourceBytes: size * (1 + 2 * share),
    smallRangeReads: { [digest]: smallRangeReads },
    seedClocks: { [digest]: [seed] },
    seedIps: ['10.0.0.2'],
    _requests: requests,
  }
}

async function withRows(f: BackToSourceFacts & { _requests: RegistryRequest[] }): Promise<BackToSourceFacts> {
  const l = f.layers[0]!
  const manifest = {
    config: { mediaType: 'c', digest: 'sha256:c', size: 1 },
    layers: [{ mediaType: 'l', ...l }],
  }
  const report = await accountOrigin(f._requests, manifest)
  return { ...f, rows: report.rows }
}

describe('a two-worker pull with no P2P saving', () => {
  test('2.00x (each worker took half the layer itself after the seed had it) fails', async () => {
    const v = singleBackToSource(await withRows(noSavingPull(0.5)))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/raw 2\.00x .* attributed 2\.00x/)
  })

  test('even one piece read from the origin while a peer held it fails', async () => {
    const v = singleBackToSource(await withRows(noSavingPull(1 / 16)))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /P2P should have served: worker1 1 piece\(s\) its own task never got from a parent \(0; 1 of them a peer already held, first 06:00:02\.000: seed-peer since 06:00:01\.000\)/,
    )
  })
})

describe('on a request that arrived just before its piece went in flight (fixtures/logs/race-request)', () => {
  async function clocks(): Promise<NodePieceClock[]> {
    const task = '962381d2d36065c289feb541be5a3a7499917756d1dc1e7cf9929ed643028b0f'
    const out: NodePieceClock[] = []
    for (const [node, log] of [
      ['d7y-stargz-worker', 'dfdaemon-worker.log.gz'],
      ['d7y-stargz-worker2', 'dfdaemon-worker2.log.gz'],
      ['seed-peer', 'dfdaemon-seed.log.gz'],
    ] as const) {
      const s = await summarizeDfdaemonLog(text(path.join(dir, 'race-request', log)))
      out.push({ node, ...s.tasks[task]!.pieceClock })
    }
    return out
  }

  test('piece 8 went in flight between the request (.847164) and the read (.847804): not held against dfdaemon', async () => {
    const c = await clocks()
    const worker = c[0]!
    expect(worker.smallRangeRequestedAt[8]).toBe('2026-12-05T08:31:57.847164Z')
    expect(worker.scheduledStartedAt[8]).toBe('2026-12-05T08:31:57.847439Z')
    expect(worker.smallRangeStartedAt[8]).toBe('2026-12-05T08:31:57.847804Z')
    const reads = classifyOnDemandReads(c, ['d7y-stargz-worker', 'd7y-stargz-worker2'])
    expect(reads.find((r) => r.node === 'd7y-stargz-worker' && r.piece === 8)?.reason).toBe('not-in-flight')
    expect(reads.filter((r) => r.reason === 'missed-p2p')).toEqual([])
  })

  test('judged by the read alone (no request time), the same read is red', async () => {
    const c = (await clocks()).map((x) => ({ ...x, smallRangeRequestedAt: {} }))
    const reads = classifyOnDemandReads(c, ['d7y-stargz-worker', 'd7y-stargz-worker2'])
    expect(reads.find((r) => r.node === 'd7y-stargz-worker' && r.piece === 8)?.reason).toBe('missed-p2p')
  })
})

describe('nobody shares: the scheduler is down and every node reads every piece on demand', () => {
  test('no read is excused when no node received anything from a parent, however early it came', async () => {
    const f = await raceFacts()
    const [digest, reads] = Object.entries(f.smallRangeReads)[0]!
    // What the workers' logs would show with the scheduler stopped: no scheduled piece, no parent.
    const alone = reads.map((r) => ({
      ...r,
      clock: { ...r.clock, scheduledStartedAt: {}, scheduledFinishedAt: {}, parentFinishedAt: {} },
    }))
    const v = singleBackToSource({ ...f, smallRangeReads: { [digest]: alone }, seedClocks: { [digest]: [] } })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/P2P could not serve: none/)
    expect(v.diagnosis).toMatch(
      /d7y-stargz-worker 2 piece\(s\) its own task never got from a parent \(0,16\)/,
    )
  })
})
