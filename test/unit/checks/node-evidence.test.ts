// The per-worker checks on real captures: snapshotter journals (a lazy pull; a plain layer that fell
// back to a full pull) and a real P2P pull by the local profile (fixtures/logs/p2p-local: dfdaemon
// logs of two workers and the origin's log), recombined or cut to make the broken cases.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  remoteSnapshots,
  taskSucceeded,
  viaDfdaemon,
  type WorkerEvidence,
} from '../../../helpers/checks/node-evidence.ts'
import { pieceBytes } from '../../../helpers/checks/back-to-source.ts'
import { summarizeDfdaemonLog, type DfdaemonLogSummary } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'
import { trafficOf } from '../../../helpers/evidence/collect.ts'
import {
  deltaSamples,
  dfdaemonTraffic,
  parsePromText,
  type DfdaemonTraffic,
} from '../../../helpers/evidence/prom-metrics.ts'

const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const journal = (f: string) => parseStargzJournal(readFileSync(path.join(dir, f), 'utf8'))
// The layers of the two images the lazy-pull capture ran (fixture:1-esgz, fixture:1-esgz-chunk64k),
// from their manifests: the expected layers are not taken from the journal being judged.
const ESGZ_LAYER = 'sha256:68143b03360c3710756df33adb936863c21ea3dabbf85f987aea24357852d18e'
// also the layer of fixtures/logs/registry-origin-2-nodes.manifest.json
const CHUNK64K_LAYER = 'sha256:3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'
const LAZY_PULL_LAYERS = [ESGZ_LAYER, CHUNK64K_LAYER].map((digest) => ({
  digest,
  size: 7_901_572,
  taskId: 'x',
}))
const noDfdaemon: DfdaemonLogSummary = {
  tasks: {},
  unattributed: {},
  records: 0,
  proxiedDirectly: [],
  proxiedDirectlyCount: 0,
  levels: {},
  strayLines: 0,
}

async function worker(file: string, dfdaemon = noDfdaemon): Promise<WorkerEvidence> {
  if (file === 'x')
    return {
      node: 'node-a',
      ip: '172.21.0.3',
      stargz: await parseStargzJournal(''),
      dfdaemon,
      traffic: 'not read',
    }
  return { node: 'node-a', ip: '172.21.0.3', stargz: await journal(file), dfdaemon, traffic: 'not read' }
}

describe('remote snapshots', () => {
  test('the lazy-pull journal: both layers prepared, no fallback', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    const v = remoteSnapshots([w], LAZY_PULL_LAYERS)
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toBe('node-a: 2 of 2 layer(s) prepared remotely, 0 fallbacks')
  })

  test('judged for the CRI namespace, the same journal (nerdctl pulls into "default") is red and says where they were', async () => {
    const w = await worker('stargz-journal-lazy-pull.txt')
    expect(w.stargz.snapshots.every((s) => s.namespace === 'default')).toBe(true)
    expect(remoteSnapshots([w], LAZY_PULL_LAYERS, { namespace: 'default' }).passed).toBe(true)
    const v = remoteSnapshots([w], LAZY_PULL_LAYERS, { namespace: 'k8s.io' })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toContain('in containerd namespace k8s.io (prepared in namespace default instead)')
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
    expect(v.diagnosis).toMatch(/no remote snapshot prepared for sha256:abababababab/)
  })

  test('snapshots that name no layer do not count for the image (the old rule counted them)', async () => {
    // The same real journal without the lines that tie a snapshot key to a layer digest.
    const text = readFileSync(path.join(dir, 'stargz-journal-lazy-pull.txt'), 'utf8')
    const named = await journal('stargz-journal-lazy-pull.txt')
    const layers = named.snapshots.map((s) => ({ digest: s.layerDigest!, size: 1, taskId: 'x' }))
    const anonymous = text
      .split('\n')
      .filter((l) => !/"(src|digest)":/.test(l))
      .join('\n')
    const w = {
      ...(await worker('stargz-journal-lazy-pull.txt')),
      stargz: await parseStargzJournal(anonymous),
    }
    expect(w.stargz.prepared).toBe(2)
    const v = remoteSnapshots([w], layers)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/2 snapshot line\(s\) name no layer digest/)
  })

  test("a warning naming the layer after it was prepared fails it (the snapshotter's later fetch failed)", async () => {
    const text = readFileSync(path.join(dir, 'stargz-journal-lazy-pull.txt'), 'utf8')
    const named = await journal('stargz-journal-lazy-pull.txt')
    const digest = named.snapshots[0]!.layerDigest!
    // A logrus line in the snapshotter's format (constructed: no capture of a failing background fetch yet).
    const warning = `2026-11-27T20:57:30+0000 node-a containerd-stargz-grpc[1]: {"digest":"${digest}","error":"failed to fetch chunk: connection refused","level":"warning","msg":"failed to prefetch layer","time":"2026-11-27T20:57:30Z"}`
    const w = { ...(await worker('x')), stargz: await parseStargzJournal(text + '\n' + warning) }
    const v = remoteSnapshots([w], [{ digest, size: 1, taskId: 'x' }])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /problem\(s\) reading the layer after preparing it \(failed to prefetch layer: failed to fetch chunk/,
    )
  })
})

describe('a background fetch that lost regions (real capture: the stand-in gate of 2026-12-06, CRI pull)', () => {
  const LAYER = 'sha256:a023cc1083c937aa763bfceaed3cad3191ef25722be001a795e6ba115e4cd542'

  test('red, and names the multi-range cause and the setting that avoids it', async () => {
    const w = { ...(await worker('x')), stargz: await journal('stargz-cri-region-fetch-failed.journal') }
    const v = remoteSnapshots([w], [{ digest: LAYER, size: 1, taskId: 'x' }], { namespace: 'k8s.io' })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/failed to fetch region \[\{41750000 41799999\} \{41800000 41849999\}\]/)
    expect(v.diagnosis).toMatch(
      /answers only its first range .* force_single_range_mode = true under \[blob\]/,
    )
  })

  test('the same journal without that warning is green: the hint comes from the capture, not the check', async () => {
    const text = readFileSync(path.join(dir, 'stargz-cri-region-fetch-failed.journal'), 'utf8')
    const kept = text
      .split('\n')
      .filter((l) => !l.includes('failed to fetch whole layer'))
      .join('\n')
    const w = { ...(await worker('x')), stargz: await parseStargzJournal(kept) }
    const v = remoteSnapshots([w], [{ digest: LAYER, size: 1, taskId: 'x' }], { namespace: 'k8s.io' })
    expect(v.passed, v.diagnosis).toBe(true)
  })
})

describe('dfdaemon verdicts on the real P2P capture', () => {
  const p2p = path.join(dir, 'p2p-local')
  const digest = 'sha256:191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'
  const layer = { digest, size: 69_688_919, taskId: digest.slice(7) }
  const ips: Record<string, string> = {
    'dfdaemon-worker.log': '172.24.0.3',
    'dfdaemon-worker2.log': '172.24.0.4',
  }
  // dfdaemon's traffic counters, read as the suite reads them (trafficOf) from a real scrape of a
  // worker's dfdaemon (fixtures/metrics/dfdaemon-worker.prom, another run of the same stack: its
  // counters since dfdaemon started, 14 pieces / 56 MiB from peers); this capture kept no scrape.
  const scrape = readFileSync(
    path.join(import.meta.dirname, '../../../fixtures/metrics/dfdaemon-worker.prom'),
    'utf8',
  )
  let traffic: DfdaemonTraffic
  beforeAll(async () => {
    traffic = await trafficOf(scrape)
  })
  const text = (log: string) => readFileSync(path.join(p2p, log), 'utf8')

  async function fromCapture(log: string, logText = text(log), ip = ips[log]!): Promise<WorkerEvidence> {
    return {
      node: log.replace('dfdaemon-', '').replace('.log', ''),
      ip,
      stargz: await parseStargzJournal(text('stargz-journal-worker.txt')),
      dfdaemon: await summarizeDfdaemonLog(logText, { taskIds: [layer.taskId] }),
      traffic,
    }
  }
  const origin = async () =>
    accountOrigin(
      registryRequests(text('registry.log')),
      parseManifest(readFileSync(path.join(p2p, 'manifest.json'), 'utf8')),
    )
  const both = async () => [
    await fromCapture('dfdaemon-worker.log'),
    await fromCapture('dfdaemon-worker2.log'),
  ]

  // the seed peer on the control-plane node (README of the capture)
  const seed = async () => ({
    ip: '172.24.0.2',
    dfdaemon: await summarizeDfdaemonLog(text('dfdaemon-seed.log'), { taskIds: [layer.taskId] }),
  })

  test('via-dfdaemon: every request reached dfdaemon; the origin sent no node more than its dfdaemon fetched', async () => {
    const v = viaDfdaemon(await both(), [layer], await origin(), await seed())
    expect(v.passed, v.diagnosis).toBe(true)
  })

  test("via-dfdaemon: without the seed peer's address, the whole layer sent to 172.24.0.2 cannot be judged (it passed before)", async () => {
    const v = viaDfdaemon(await both(), [layer], await origin())
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^cannot judge: 172\.24\.0\.2 \(66\.5 MiB of sha256:191cf48bb5cb from the origin\) may be the seed peer/,
    )
  })

  test('via-dfdaemon: an origin client that is no worker and not the seed is red (a stranger took 6.5 MiB; it passed before)', async () => {
    // worker2 recorded at another address: the origin's client 172.24.0.4 is then nobody the evidence knows
    const w2 = await fromCapture('dfdaemon-worker2.log', undefined, '172.24.0.9')
    const v = viaDfdaemon(
      [await fromCapture('dfdaemon-worker.log'), w2],
      [layer],
      await origin(),
      await seed(),
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /the origin sent 172\.24\.0\.4 6\.5 MiB of sha256:191cf48bb5cb, an address that is no worker's \(172\.24\.0\.3, 172\.24\.0\.9\) and not the seed peer's \(172\.24\.0\.2\): something else pulled/,
    )
  })

  test("via-dfdaemon: the seed peer on a worker's address with its log missing is cannot-judge, not 'went around dfdaemon' (red before)", async () => {
    // the capture with the seed peer's address (172.24.0.2) also the first worker's
    async function* shared() {
      for await (const r of registryRequests(text('registry.log')))
        yield r.client === '172.24.0.3' ? { ...r, client: '172.24.0.2' } : r
    }
    const report = await accountOrigin(
      shared(),
      parseManifest(readFileSync(path.join(p2p, 'manifest.json'), 'utf8')),
    )
    const workers = [
      await fromCapture('dfdaemon-worker.log', undefined, '172.24.0.2'),
      await fromCapture('dfdaemon-worker2.log'),
    ]
    const withSeed = viaDfdaemon(workers, [layer], report, await seed())
    expect(withSeed.passed, withSeed.diagnosis).toBe(true)
    const v = viaDfdaemon(workers, [layer], report)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^cannot judge: worker: the origin sent 172\.24\.0\.2 76\.9 MiB of sha256:191cf48bb5cb, 66\.5 MiB more than its dfdaemon logged fetching, and the seed peer's log named no host/,
    )
  })

  test("via-dfdaemon: the seed peer seen at its node's address (pod traffic through NAT, as on kind) is the seed, not a stranger", async () => {
    // the capture with the seed's requests arriving from 172.24.0.9, its node's address, while its log
    // names the host 172.24.0.2 (kind run of 2026-12-05: seed pod 10.244.0.10, origin saw 10.89.0.26)
    async function* natted() {
      for await (const r of registryRequests(text('registry.log')))
        yield r.client === '172.24.0.2' ? { ...r, client: '172.24.0.9' } : r
    }
    const report = await accountOrigin(
      natted(),
      parseManifest(readFileSync(path.join(p2p, 'manifest.json'), 'utf8')),
    )
    const withoutNode = viaDfdaemon(await both(), [layer], report, await seed())
    expect(withoutNode.passed).toBe(false)
    expect(withoutNode.diagnosis).toMatch(
      /the origin sent 172\.24\.0\.9 66\.5 MiB .* not the seed peer's \(172\.24\.0\.2\)/,
    )
    const v = viaDfdaemon(await both(), [layer], report, { ...(await seed()), nodeIp: '172.24.0.9' })
    expect(v.passed, v.diagnosis).toBe(true)
  })

  test('via-dfdaemon: an origin log without the layer cannot be judged (it passed before)', async () => {
    // the capture's origin log cut before the pull
    const empty = await accountOrigin(
      registryRequests(''),
      parseManifest(readFileSync(path.join(p2p, 'manifest.json'), 'utf8')),
    )
    const v = viaDfdaemon(await both(), [layer], empty, await seed())
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^cannot judge: the origin's log shows no byte of sha256:191cf48bb5cb sent during the pull/,
    )
  })

  test('via-dfdaemon fails when the origin sent a node more than its dfdaemon logged fetching', async () => {
    // worker's address (the origin sent it pieces 0, 15, 16) with worker2's log (only 0 and 16)
    const w = await fromCapture('dfdaemon-worker2.log', undefined, '172.24.0.3')
    const v = viaDfdaemon([w], [layer], await origin(), await seed())
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /the origin sent 172\.24\.0\.3 10\.5 MiB .* logged fetching only 6\.5 MiB .* 4\.0 MiB went around dfdaemon/,
    )
  })

  test('via-dfdaemon fails on a task that started but served no request', async () => {
    const t = text('dfdaemon-worker.log')
    const w = await fromCapture('dfdaemon-worker.log', t.slice(0, t.indexOf('download task succeeded')))
    const v = viaDfdaemon([w], [layer], await origin())
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/started task 191cf48bb5cb .* but served none of its requests/)
  })

  test('via-dfdaemon: no task while the origin served the node is a bypass', async () => {
    const w = { ...(await fromCapture('dfdaemon-worker.log')), dfdaemon: noDfdaemon }
    const v = viaDfdaemon([w], [layer], await origin())
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /mirror bypassed on worker: dfdaemon saw no task 191cf48bb5cb .* origin sent 172\.24\.0\.3 10\.5 MiB/,
    )
  })

  test('task-succeeded: both finished the blob, with pieces from peers', async () => {
    const v = taskSucceeded(await both(), [layer])
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(
      /worker2: sha256:191cf48bb5cb finished \(\d+ pieces \/ 56\.0 MiB from peers, 2 from source\)/,
    )
  })

  test('task-succeeded names the race when the scheduler refused the prefetch (kind, 2026-12-06)', async () => {
    const refused = readFileSync(
      path.join(import.meta.dirname, '../../../fixtures/logs/prefetch-announce-refused/worker2-client.log'),
      'utf8',
    )
    const blob = 'sha256:bc20330ffd3b14954e10ba0a46c6221c8ddf55402100be92bdc342834a995cbd'
    const raced = { digest: blob, size: 69_688_496, taskId: blob.slice(7) }
    const w = {
      ...(await fromCapture('dfdaemon-worker2.log')),
      dfdaemon: await summarizeDfdaemonLog(refused),
    }
    const v = taskSucceeded([w, { ...w, node: 'worker3' }], [raced])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /worker2: task bc20330ffd3b .* the scheduler refused its announce \("event Download inappropriate in current state Running"\).* prefetch raced/,
    )
  })

  test('task-succeeded fails a second worker that took no pieces from peers', async () => {
    const noPeers = text('dfdaemon-worker2.log')
      .split('\n')
      .filter((l) => !/from parent/.test(l))
      .join('\n')
    const ws = [await fromCapture('dfdaemon-worker.log'), await fromCapture('dfdaemon-worker2.log', noPeers)]
    const v = taskSucceeded(ws, [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/worker2: task 191cf48bb5cb .* took no pieces from peers \(log: 0 piece/)
  })

  test('task-succeeded fails a worker whose REMOTE_PEER metric stayed at zero', async () => {
    const ws = await both()
    // the same real scrape before and after the pull: no counter moved
    const { samples } = await parsePromText(scrape)
    ws[1] = { ...ws[1]!, traffic: dfdaemonTraffic(deltaSamples(samples, samples)) }
    const v = taskSucceeded(ws, [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/metrics: 0\.0 MiB REMOTE_PEER/)
  })

  test('task-succeeded fails on a failed request even when the blob finished', async () => {
    // A failure line in dfdaemon's compact format (proxy/task.rs "download failed: {}"), in the task's span.
    const failed = `2026-11-27T22:14:21.000000Z ERROR handler:registry_mirror_http_handler:http_handler:proxy_via_dfdaemon:download: /src/proxy/task.rs:310: download failed: connection reset url="/v2/x" task_id="${layer.taskId}"`
    const ws = [
      await fromCapture('dfdaemon-worker.log', text('dfdaemon-worker.log') + '\n' + failed),
      await fromCapture('dfdaemon-worker2.log'),
    ]
    const v = taskSucceeded(ws, [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/had 1 failed request\(s\): connection reset/)
  })

  test('task-succeeded: a log cut before the prefetch finished fails (ranges served, blob not complete)', async () => {
    const t = text('dfdaemon-worker.log')
    const ws = [
      await fromCapture('dfdaemon-worker.log', t.slice(0, t.indexOf('sent DownloadPeerFinishedRequest'))),
      await fromCapture('dfdaemon-worker2.log'),
    ]
    const v = taskSucceeded(ws, [layer])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/whole blob never completed/)
  })

  test('a dfdaemon logging at info (tasks started, no DEBUG record) is cannot-judge for both checks', async () => {
    const info = text('dfdaemon-worker.log')
      .split('\n')
      .filter((l) => !/^\S+Z DEBUG /.test(l))
      .join('\n')
    const ws = [await fromCapture('dfdaemon-worker.log', info), await fromCapture('dfdaemon-worker2.log')]
    expect(ws[0]!.dfdaemon.tasks[layer.taskId]!.started).toBeGreaterThan(0)
    for (const v of [viaDfdaemon(ws, [layer], await origin()), taskSucceeded(ws, [layer])]) {
      expect(v.passed).toBe(false)
      expect(v.diagnosis).toMatch(/^cannot judge: dfdaemon on worker logged no DEBUG record during the pull/)
    }
  })

  test('task-succeeded: unreadable metrics and a single worker are cannot-judge (red)', async () => {
    const ws = await both()
    expect(taskSucceeded([{ ...ws[0]!, traffic: 'connection refused' }, ws[1]!], [layer]).diagnosis).toMatch(
      /^cannot judge: dfdaemon's metrics could not be read on worker \(connection refused\)/,
    )
    expect(taskSucceeded([ws[0]!], [layer]).diagnosis).toMatch(/^cannot judge: 1 worker pulled/)
  })
})

describe('via-dfdaemon on the p2p-blocked capture (every piece from the source, 8 of them twice)', () => {
  // fixtures/logs/p2p-blocked: the fault catalog's p2p-blocked entry, the python layer (17 pieces: the
  // 69,688,919-byte layer of the other captures). The capture keeps no origin log; the origin's side is
  // what it sends when every fetch the log records reaches it, one request per fetch.
  const size = 69_688_919
  const taskId = '3a4168cc6991'
  async function worker(): Promise<WorkerEvidence> {
    const log = gunzipSync(readFileSync(path.join(dir, 'p2p-blocked', 'dfdaemon-worker.log.gz'))).toString()
    const dfdaemon = await summarizeDfdaemonLog(log)
    const id = Object.keys(dfdaemon.tasks).find((t) => t.startsWith(taskId))!
    return {
      node: 'worker',
      ip: '172.24.0.3',
      stargz: await parseStargzJournal(''),
      dfdaemon: { ...dfdaemon, tasks: { [taskId]: dfdaemon.tasks[id]! } },
      traffic: 'not read',
    }
  }

  test('a piece fetched twice from the source counts twice: no "went around dfdaemon" (it was red before)', async () => {
    const w = await worker()
    const fetches = w.dfdaemon.tasks[taskId]!.backToSource.fetchesPerPiece
    expect(Object.values(fetches).reduce((a, b) => a + b, 0)).toBe(25)
    expect(Object.keys(fetches)).toHaveLength(17)
    const digest = `sha256:${'b'.repeat(64)}`
    const layer = { digest, size, taskId }
    async function* requests() {
      for (const [piece, times] of Object.entries(fetches))
        for (let k = 0; k < times; k++)
          yield {
            method: 'GET',
            uri: `/v2/conformance/python/blobs/${digest}`,
            status: 206,
            written: pieceBytes(size, Number(piece)),
            client: '172.24.0.3',
            blobDigest: digest,
          }
    }
    const manifest = parseManifest({
      config: { mediaType: 'c', digest: 'sha256:c', size: 1 },
      layers: [{ mediaType: 'l', digest, size }],
    })
    const v = viaDfdaemon([w], [layer], await accountOrigin(requests(), manifest))
    expect(v.passed, v.diagnosis).toBe(true)
  })
})
