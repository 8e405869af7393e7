// The single back-to-source check and its negative control, on the real two-node capture: two
// nodes lazily pulled the same eStargz image straight from the registry (no P2P), so the check must
// fail on it and the negative control must accept it as a proper control.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  negativeControl,
  singleBackToSource,
  type BackToSourceFacts,
} from '../../../helpers/checks/back-to-source.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests, type RegistryRequest } from '../../../helpers/evidence/registry-log.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'

const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const log = readFileSync(path.join(dir, 'registry-origin-2-nodes.log'), 'utf8')
const manifest = parseManifest(readFileSync(path.join(dir, 'registry-origin-2-nodes.manifest.json'), 'utf8'))
const layer = manifest.layers[0]!
// The capture's layer is ~7.9 MB, below the 16 MiB production threshold: judge it at 1 MiB here.
const largeLayerBytes = 1024 * 1024

async function facts(keep: (r: RegistryRequest) => boolean, nodes = 2): Promise<BackToSourceFacts> {
  const all: RegistryRequest[] = []
  for await (const r of registryRequests(log)) if (keep(r)) all.push(r)
  const report = await accountOrigin(all, manifest)
  return { rows: report.rows, layers: [{ digest: layer.digest, size: layer.size }], nodes, largeLayerBytes }
}

describe('single back-to-source on the two-node direct pull', () => {
  test('fails: the origin served the layer about twice', async () => {
    const f = await facts(() => true)
    const v = singleBackToSource(f)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/origin served sha256:\w+ 2\.\d\dx its size .* to 2 clients/)
  })

  test('fails when the window holds no transfer of the layer', async () => {
    const v = singleBackToSource(await facts(() => false))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/no transfer/)
  })
})

describe('negative control', () => {
  test('passes on the direct pull: amplification near the node count and the check fails it', async () => {
    const v = negativeControl(await facts(() => true))
    expect(v.passed, v.diagnosis).toBe(true)
  })
})

// A real P2P pull by the local profile (fixtures/logs/p2p-local): two workers lazily pulled a 66.5 MiB
// eStargz layer through their dfdaemons; the seed peer fetched it from the origin once, and each
// worker's dfdaemon fetched a few 4 MiB pieces itself for the snapshotter's first small reads.
describe('single back-to-source on the real P2P capture', () => {
  const p2pDir = path.join(dir, 'p2p-local')
  const p2pManifest = parseManifest(readFileSync(path.join(p2pDir, 'manifest.json'), 'utf8'))
  const p2pLayer = p2pManifest.layers[0]!
  const workers = [
    { node: 'd7y-stargz-worker', ip: '172.24.0.3', log: 'dfdaemon-worker.log' },
    { node: 'd7y-stargz-worker2', ip: '172.24.0.4', log: 'dfdaemon-worker2.log' },
  ]

  async function p2pFacts(withDfdaemon: boolean): Promise<BackToSourceFacts> {
    const report = await accountOrigin(
      registryRequests(readFileSync(path.join(p2pDir, 'registry.log'), 'utf8')),
      p2pManifest,
    )
    const reads = []
    for (const w of workers) {
      const summary = await summarizeDfdaemonLog(readFileSync(path.join(p2pDir, w.log), 'utf8'))
      const task = summary.tasks[p2pLayer.digest.slice(7)]!
      reads.push({
        node: w.node,
        ip: w.ip,
        sourcePieces: task.backToSource.piecesFinished,
        schedulerBackToSource: task.backToSource.needBackToSource > 0,
      })
    }
    return {
      rows: report.rows,
      layers: [{ digest: p2pLayer.digest, size: p2pLayer.size }],
      nodes: 2,
      ...(withDfdaemon ? { smallRangeReads: { [p2pLayer.digest]: reads } } : {}),
    }
  }

  test('passes: one shared transfer plus each node’s own small-range pieces', async () => {
    const v = singleBackToSource(await p2pFacts(true))
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toMatch(
      /1\.25x .* = 66\.5 MiB shared transfer \+ small-range reads d7y-stargz-worker 10\.5 MiB, d7y-stargz-worker2 6\.5 MiB/,
    )
  })

  test('fails without dfdaemon’s evidence: 1.25x cannot be explained by the origin log alone', async () => {
    const v = singleBackToSource(await p2pFacts(false))
    expect(v.passed).toBe(false)
  })

  test('the negative control rejects a P2P-shaped pull as a control', async () => {
    const v = negativeControl(await p2pFacts(true))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/PASSED on the bypassed pull/)
  })

  test('small-range reads cannot excuse a node that took most of the layer itself', async () => {
    const f = await facts(() => true)
    const clients = f.rows.find((r) => r.digest === layer.digest)!.clientAddresses
    const v = singleBackToSource({
      ...f,
      smallRangeReads: {
        [layer.digest]: clients.map((ip, i) => ({
          node: `n${i}`,
          ip,
          sourcePieces: 100,
          schedulerBackToSource: false,
        })),
      },
    })
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/n0, n1 took more than 50% of sha256:3e528d228dff from the origin/)
  })
})
