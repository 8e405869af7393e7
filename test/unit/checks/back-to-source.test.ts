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
