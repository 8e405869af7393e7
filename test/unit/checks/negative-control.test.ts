// The negative control judges every routing check on the bypassed pull: it passes only when each of
// them went red for a reason of its own and the origin sent each node about the whole layer. The
// routing verdicts are the real checks on the real direct two-node pull (fixtures/logs/
// registry-origin-2-nodes.log: no dfdaemon in the path, so its log holds nothing of the layer and its
// counters do not move: the real scrape of fixtures/metrics against itself), not strings.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { singleBackToSource, type BackToSourceFacts } from '../../../helpers/checks/back-to-source.ts'
import { negativeControl, type RoutingCheck } from '../../../helpers/checks/negative-control.ts'
import { taskSucceeded, viaDfdaemon, type WorkerEvidence } from '../../../helpers/checks/node-evidence.ts'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import {
  accountOrigin,
  parseManifest,
  type OriginReport,
} from '../../../helpers/evidence/origin-accounting.ts'
import { deltaSamples, dfdaemonTraffic, parsePromText } from '../../../helpers/evidence/prom-metrics.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'

const fixtures = path.join(import.meta.dirname, '../../../fixtures')
const dir = path.join(fixtures, 'logs')
const manifest = parseManifest(readFileSync(path.join(dir, 'registry-origin-2-nodes.manifest.json'), 'utf8'))
const layer = manifest.layers[0]!
// digest mode: dfdaemon's task id of a blob is its digest's hex
const layers = [{ digest: layer.digest, size: layer.size, taskId: layer.digest.slice(7) }]
/** ~7.9 MB, below the 16 MiB threshold: judged from 1 MiB here */
const LARGE = 2 ** 20

const origin = (log = readFileSync(path.join(dir, 'registry-origin-2-nodes.log'), 'utf8')) =>
  accountOrigin(registryRequests(log), manifest)

async function directPull(report: OriginReport): Promise<BackToSourceFacts> {
  return {
    rows: report.rows,
    layers: [{ digest: layer.digest, size: layer.size }],
    largeLayerBytes: LARGE,
    nodes: 2,
    dfdaemonBackToSourceBytes: 0,
    smallRangeReads: {},
    seedClocks: {},
    seedIps: [],
  }
}

/** The two nodes of the capture as the suite's evidence shows them when the mirror is bypassed. */
async function bypassedWorkers(): Promise<WorkerEvidence[]> {
  const { samples } = await parsePromText(
    readFileSync(path.join(fixtures, 'metrics', 'dfdaemon-worker.prom'), 'utf8'),
  )
  const still = dfdaemonTraffic(deltaSamples(samples, samples))
  return Promise.all(
    [
      ['node-a', '172.21.0.3'],
      ['node-b', '172.21.0.4'],
    ].map(async ([node, ip]) => ({
      node: node!,
      ip: ip!,
      stargz: await parseStargzJournal(''),
      dfdaemon: await summarizeDfdaemonLog('', { taskIds: layers.map((l) => l.taskId) }),
      traffic: still,
    })),
  )
}

async function verdicts(over: Partial<Record<RoutingCheck, Verdict>> = {}) {
  const report = await origin()
  const f = await directPull(report)
  const workers = await bypassedWorkers()
  return {
    f,
    v: {
      'via-dfdaemon': viaDfdaemon(workers, layers, report),
      'task-succeeded': taskSucceeded(workers, layers, LARGE),
      'single-back-to-source': singleBackToSource(f),
      ...over,
    },
  }
}

/** via-dfdaemon judged on the real P2P pull (fixtures/logs/p2p-local), where it is green. */
async function p2pViaDfdaemon(): Promise<Verdict> {
  const p2p = path.join(dir, 'p2p-local')
  const text = (f: string) => readFileSync(path.join(p2p, f), 'utf8')
  const digest = 'sha256:191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'
  const taskIds = [digest.slice(7)]
  const workers = await Promise.all(
    [
      ['worker', '172.24.0.3', 'dfdaemon-worker.log'],
      ['worker2', '172.24.0.4', 'dfdaemon-worker2.log'],
    ].map(async ([node, ip, log]) => ({
      node: node!,
      ip: ip!,
      stargz: await parseStargzJournal(''),
      dfdaemon: await summarizeDfdaemonLog(text(log!), { taskIds }),
      traffic: 'not read',
    })),
  )
  return viaDfdaemon(
    workers,
    [{ digest, size: 69_688_919, taskId: taskIds[0]! }],
    await accountOrigin(registryRequests(text('registry.log')), parseManifest(text('manifest.json'))),
    { ip: '172.24.0.2', dfdaemon: await summarizeDfdaemonLog(text('dfdaemon-seed.log'), { taskIds }) },
  )
}

describe('negative control', () => {
  test('passes when every routing check is red on the direct pull', async () => {
    const { f, v } = await verdicts()
    // each red for a reason of its own
    expect(v['via-dfdaemon'].diagnosis).toMatch(
      /^mirror bypassed on node-a: dfdaemon saw no task 3e528d228dff for layer sha256:3e528d228dff while the origin sent 172\.21\.0\.3 \d+\.\d MiB of it/,
    )
    expect(v['task-succeeded'].diagnosis).toMatch(
      /^node-a: task 3e528d228dff \(layer sha256:3e528d228dff\) never started/,
    )
    expect(v['single-back-to-source'].diagnosis).toMatch(
      /^the origin served sha256:3e528d228dff more than once/,
    )
    const c = negativeControl(f, v)
    expect(c.passed, c.diagnosis).toBe(true)
    expect(c.diagnosis).toMatch(/bypassed pull: sha256:\w+: raw 2\.\d\dx/)
  })

  test('fails naming a routing check that stayed green on the bypassed pull', async () => {
    // via-dfdaemon judged on evidence of the P2P pull instead (a window that missed the bypassed pull)
    const green = await p2pViaDfdaemon()
    expect(green.passed, green.diagnosis).toBe(true)
    const { f, v } = await verdicts({ 'via-dfdaemon': green })
    const c = negativeControl(f, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/^via-dfdaemon stayed green on the bypassed pull/)
  })

  test('a cannot-judge is not a detection', async () => {
    // via-dfdaemon on an origin log read over a window that missed the pull (nothing of the layer)
    const { f, v } = await verdicts({
      'via-dfdaemon': viaDfdaemon(await bypassedWorkers(), layers, await origin('')),
    })
    expect(v['via-dfdaemon'].diagnosis).toMatch(/^cannot judge: the origin's log shows no byte of/)
    const c = negativeControl(f, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/via-dfdaemon could not judge on the bypassed pull/)
  })

  test('fails when nodes did not fetch whole layers (the control shows nothing)', async () => {
    const { f, v } = await verdicts()
    const c = negativeControl({ ...f, nodes: 4 }, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/expected about 4x: nodes did not fetch whole layers/)
  })
})
