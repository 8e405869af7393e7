// Fresh blobs for scale samples: a restamped eStargz layer (the captured fixture) must be a new blob
// that is still the same valid eStargz layer (same TOC, same files), or the samples would measure a
// different image.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { restampFirstMember, sha256Digest, withLayerDigests } from '../../../helpers/image/fresh-blobs.ts'
import { expectationsFromManifest, verifyEstargz } from '../../../helpers/estargz/index.ts'

const fixture = fileURLToPath(new URL('../../../fixtures/estargz/esgz/', import.meta.url))
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fresh-blobs-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('restampFirstMember', () => {
  test('the captured eStargz layer restamped: a new digest, the same TOC, the same files', async () => {
    const original = await readFile(path.join(fixture, 'layer.tar.gz'))
    const manifest = await readFile(path.join(fixture, 'manifest.json'), 'utf8')
    const digest = (JSON.parse(manifest) as { layers: { digest: string }[] }).layers[0]!.digest
    expect(sha256Digest(original)).toBe(digest)

    const restamped = restampFirstMember(original, 1_764_000_000)
    expect(restamped.length).toBe(original.length)
    expect(sha256Digest(restamped)).not.toBe(digest)
    expect(gunzipSync(restamped).equals(gunzipSync(original))).toBe(true)

    // The manifest's promises (TOC digest annotation, sizes) hold for the copy under its new digest.
    const file = path.join(dir, 'restamped.tar.gz')
    await writeFile(file, restamped)
    const expected = expectationsFromManifest(manifest, digest)
    const [before, after] = [
      await verifyEstargz(path.join(fixture, 'layer.tar.gz'), expected),
      await verifyEstargz(file, { ...expected, digest: sha256Digest(restamped) }),
    ]
    expect(after.valid).toBe(true)
    expect(after).toEqual(before)
  })

  test('two stamps give two blobs; the stamp is written as MTIME', () => {
    const blob = gzipSync(Buffer.from('hello'))
    const a = restampFirstMember(blob, 1)
    const b = restampFirstMember(blob, 2)
    expect(sha256Digest(a)).not.toBe(sha256Digest(b))
    expect(a.readUInt32LE(4)).toBe(1)
    expect(blob.readUInt32LE(4)).toBe(0) // the input is left alone
  })

  test("a stamp equal to the original's MTIME still changes the blob", () => {
    const blob = gzipSync(Buffer.from('hello'))
    blob.writeUInt32LE(7, 4)
    expect(sha256Digest(restampFirstMember(blob, 7))).not.toBe(sha256Digest(blob))
  })

  test('refuses what it cannot restamp safely', () => {
    const withCrc = gzipSync(Buffer.from('hello'))
    withCrc[3] = withCrc[3]! | 0x02
    expect(() => restampFirstMember(withCrc, 1)).toThrow(/FHCRC/)
    expect(() => restampFirstMember(Buffer.from('not gzip at all'), 1)).toThrow(/gzip member header/)
  })
})

test('withLayerDigests replaces the layer digests in order and keeps the rest', () => {
  const m = {
    schemaVersion: 2,
    config: { digest: 'sha256:c', size: 1, mediaType: 'x' },
    layers: [
      { digest: 'sha256:a', size: 1, mediaType: 'l', annotations: { k: 'v' } },
      { digest: 'sha256:b', size: 2, mediaType: 'l' },
    ],
  }
  expect(withLayerDigests(m, ['sha256:1', 'sha256:2'])).toEqual({
    ...m,
    layers: [
      { digest: 'sha256:1', size: 1, mediaType: 'l', annotations: { k: 'v' } },
      { digest: 'sha256:2', size: 2, mediaType: 'l' },
    ],
  })
  expect(() => withLayerDigests(m, ['sha256:1'])).toThrow(/1 digests for 2 layers/)
})
