import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import * as evidence from '../../../helpers/evidence/index.ts'

describe('evidence public API', () => {
  test('end to end on the 2-node capture: the layer task id is the digest the origin served', async () => {
    const manifest = evidence.parseManifest(
      readFileSync(
        new URL('../../../fixtures/logs/registry-origin-2-nodes.manifest.json', import.meta.url),
        'utf8',
      ),
    )
    const log = new URL('../../../fixtures/logs/registry-origin-2-nodes.log', import.meta.url).pathname
    const report = await evidence.accountOrigin(evidence.registryRequests(evidence.lines(log)), manifest)
    const layer = report.rows.find((r) => r.role === 'layer')
    expect(
      evidence.taskIdOf({
        url: `http://reg:5000/v2/fixture/blobs/${layer?.digest}`,
        enableTaskIdBasedBlobDigest: true,
      }),
    ).toBe(layer?.digest.slice('sha256:'.length))
  })
})
