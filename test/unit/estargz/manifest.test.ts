// expectationsFromManifest on the captured manifests (OCI with eStargz annotations; Docker v2 without).
import { readFile } from 'node:fs/promises'
import { describe, expect, test } from 'vitest'
import { expectationsFromManifest, ManifestError } from '../../../helpers/estargz/index.ts'

const manifestText = (name: string): Promise<string> =>
  readFile(new URL(`../../../fixtures/estargz/${name}/manifest.json`, import.meta.url), 'utf8')

const ESGZ_LAYER = 'sha256:068d70a557ab9c51f9986d014ced9cc0ecf014596637e5780641135f873c9627'
const PLAIN_LAYER = 'sha256:2fddd0bf8ff2ee5b39ee32c69a3a66808543834ebeb59ef3e1b6d65ac68f8753'

describe('expectationsFromManifest', () => {
  test('reads the layer descriptor and its eStargz annotations', async () => {
    const text = await manifestText('esgz')
    const expected = {
      digest: ESGZ_LAYER,
      size: 1448431,
      tocDigest: 'sha256:414de5e35c74843947cb1aa16b1d5a5298af8d107c1196739e76861eb0bc4fa9',
      uncompressedSize: 2509824,
    }
    expect(expectationsFromManifest(text, ESGZ_LAYER)).toEqual(expected)
    expect(expectationsFromManifest(JSON.parse(text), ESGZ_LAYER)).toEqual(expected)
    expect(expectationsFromManifest(Buffer.from(text), ESGZ_LAYER)).toEqual(expected)
  })

  test('a digest that is not one of the layers', async () => {
    const text = await manifestText('esgz')
    expect(() => expectationsFromManifest(text, PLAIN_LAYER)).toThrow(
      new ManifestError(`layer ${PLAIN_LAYER} is not in the manifest; its layers are ${ESGZ_LAYER}`),
    )
  })

  test('a layer without the eStargz annotations (Docker v2 manifest of the plain image)', async () => {
    const text = await manifestText('plain')
    expect(() => expectationsFromManifest(text, PLAIN_LAYER)).toThrow(ManifestError)
    expect(() => expectationsFromManifest(text, PLAIN_LAYER)).toThrow(
      /lacks the eStargz annotations containerd\.io\/snapshot\/stargz\/toc\.digest and io\.containers\.estargz\.uncompressed-size \(it has no annotations\)/,
    )
  })

  test('one annotation missing, or malformed', async () => {
    const manifest = JSON.parse(await manifestText('esgz')) as {
      layers: { annotations: Record<string, string> }[]
    }
    const annotations = manifest.layers[0]?.annotations ?? {}
    const onlyToc = Object.fromEntries(
      Object.entries(annotations).filter(([key]) => key !== 'io.containers.estargz.uncompressed-size'),
    )
    expect(() =>
      expectationsFromManifest({ layers: [{ ...manifest.layers[0], annotations: onlyToc }] }, ESGZ_LAYER),
    ).toThrow(/lacks the eStargz annotation io\.containers\.estargz\.uncompressed-size \(it has containerd/)
    const badSize = { ...annotations, 'io.containers.estargz.uncompressed-size': '12 MB' }
    expect(() =>
      expectationsFromManifest({ layers: [{ ...manifest.layers[0], annotations: badSize }] }, ESGZ_LAYER),
    ).toThrow(/uncompressed-size is "12 MB", not a byte count/)
    const badToc = { ...annotations, 'containerd.io/snapshot/stargz/toc.digest': 'sha256:xyz' }
    expect(() =>
      expectationsFromManifest({ layers: [{ ...manifest.layers[0], annotations: badToc }] }, ESGZ_LAYER),
    ).toThrow(/toc\.digest is "sha256:xyz", not a sha256 digest/)
  })

  test('an image index is refused with a hint', () => {
    expect(() => expectationsFromManifest({ schemaVersion: 2, manifests: [] }, ESGZ_LAYER)).toThrow(
      /image index, not an image manifest/,
    )
  })

  test('not JSON', () => {
    expect(() => expectationsFromManifest('{', ESGZ_LAYER)).toThrow(/the manifest is not JSON/)
  })
})
