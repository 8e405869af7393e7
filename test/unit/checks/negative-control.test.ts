// The negative control judges every routing check on the bypassed pull: it passes only when each of
// them went red for a reason of its own and the origin sent each node about the whole layer. Facts
// from the real direct two-node pull (fixtures/logs/registry-origin-2-nodes.log).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { singleBackToSource, type BackToSourceFacts } from '../../../helpers/checks/back-to-source.ts'
import { negativeControl, type RoutingCheck } from '../../../helpers/checks/negative-control.ts'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'

const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
const manifest = parseManifest(readFileSync(path.join(dir, 'registry-origin-2-nodes.manifest.json'), 'utf8'))
const layer = manifest.layers[0]!

async function directPull(): Promise<BackToSourceFacts> {
  const report = await accountOrigin(
    registryRequests(readFileSync(path.join(dir, 'registry-origin-2-nodes.log'), 'utf8')),
    manifest,
  )
  return {
    rows: report.rows,
    layers: [{ digest: layer.digest, size: layer.size }],
    largeLayerBytes: 2 ** 20,
    nodes: 2,
    dfdaemonBackToSourceBytes: 0,
    smallRangeReads: {},
    seedClocks: {},
    seedIps: [],
  }
}

const red = (diagnosis: string): Verdict => ({ passed: false, diagnosis, evidence: {} })
const green: Verdict = { passed: true, diagnosis: 'looks fine', evidence: {} }

async function verdicts(over: Partial<Record<RoutingCheck, Verdict>> = {}) {
  const f = await directPull()
  return {
    f,
    v: {
      'via-dfdaemon': red('mirror bypassed on node-a: dfdaemon saw no task'),
      'task-succeeded': red('node-a: task never started'),
      'single-back-to-source': singleBackToSource(f),
      ...over,
    },
  }
}

describe('negative control', () => {
  test('passes when every routing check is red on the direct pull', async () => {
    const { f, v } = await verdicts()
    const c = negativeControl(f, v)
    expect(c.passed, c.diagnosis).toBe(true)
    expect(c.diagnosis).toMatch(/bypassed pull: sha256:\w+: raw 2\.\d\dx/)
  })

  test('fails naming a routing check that stayed green on the bypassed pull', async () => {
    const { f, v } = await verdicts({ 'via-dfdaemon': green })
    const c = negativeControl(f, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/^via-dfdaemon stayed green on the bypassed pull/)
  })

  test('a cannot-judge is not a detection', async () => {
    const { f, v } = await verdicts({
      'task-succeeded': red("cannot judge: dfdaemon's metrics could not be read"),
    })
    const c = negativeControl(f, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/task-succeeded could not judge on the bypassed pull/)
  })

  test('fails when nodes did not fetch whole layers (the control shows nothing)', async () => {
    const { f, v } = await verdicts()
    const c = negativeControl({ ...f, nodes: 4 }, v)
    expect(c.passed).toBe(false)
    expect(c.diagnosis).toMatch(/expected about 4x: nodes did not fetch whole layers/)
  })
})
