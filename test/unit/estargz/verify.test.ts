// verifyEstargz on the captured layers (fixtures/estargz, made by ctr-remote 0.12.0 and verified by
// upstream's Go library) and on damaged copies of them made here in a temp dir.
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  expectationsFromManifest,
  verifyEstargz,
  type EstargzVerdict,
} from '../../../helpers/estargz/index.ts'

const fixtures = fileURLToPath(new URL('../../../fixtures/estargz/', import.meta.url))
const blob = (name: string): string => path.join(fixtures, name, 'layer.tar.gz')

async function expectationsOf(name: string): Promise<ReturnType<typeof expectationsFromManifest>> {
  const manifest = await readFile(path.join(fixtures, name, 'manifest.json'), 'utf8')
  const digest = (JSON.parse(manifest) as { layers: { digest: string }[] }).layers[0]?.digest ?? ''
  return expectationsFromManifest(manifest, digest)
}

// Measured on the fixtures (the TOC lists them; see fixtures/estargz/README.md).
const ESGZ_TOC_OFFSET = 1445580
const ESGZ_BLOB_BIN_OFFSET = 70134 // ./data/blob.bin, one 300,000-byte chunk, stored (incompressible) deflate
const CHUNK64K_BLOB_BIN_THIRD_CHUNK = 201292 // ./data/blob.bin bytes 131072..196608
const FOOTER_SIZE = 51

function rejected(verdict: EstargzVerdict): { notEstargz: boolean; reason: string } {
  expect(verdict.valid, JSON.stringify(verdict)).toBe(false)
  if (verdict.valid) throw new Error('unreachable')
  return verdict
}

describe('captured eStargz layers', () => {
  test('esgz (4 MiB chunks) is valid and matches its manifest', async () => {
    const expected = await expectationsOf('esgz')
    const verdict = await verifyEstargz(blob('esgz'), expected)
    expect(verdict).toEqual({
      valid: true,
      format: 'estargz',
      tocDigest: expected.tocDigest,
      tocOffset: ESGZ_TOC_OFFSET,
      entries: 55,
      files: 44,
      chunks: 44,
      uncompressedSize: 2509824,
      prefetchLandmark: false,
      noPrefetchLandmark: true,
      // the landmark is the second member, right after the root directory entry
      landmarkOffset: 85,
    })
    expect(verdict.valid && verdict.tocDigest).toBe(
      'sha256:414de5e35c74843947cb1aa16b1d5a5298af8d107c1196739e76861eb0bc4fa9',
    )
  })

  test('esgz-chunk64k is valid, with several chunks for /data/blob.bin', async () => {
    const expected = await expectationsOf('esgz-chunk64k')
    const verdict = await verifyEstargz(blob('esgz-chunk64k'), expected)
    expect(verdict).toEqual({
      valid: true,
      format: 'estargz',
      tocDigest: expected.tocDigest,
      tocOffset: 1463053,
      entries: 89,
      files: 44,
      // 34 more than esgz: blob.bin's 300,000 bytes are 5 chunks of 64 KiB (+ busybox's and others')
      chunks: 78,
      uncompressedSize: 2516992,
      prefetchLandmark: false,
      noPrefetchLandmark: true,
      landmarkOffset: 85,
    })
    expect(verdict.valid && verdict.tocDigest).toBe(
      'sha256:8fffd0c238e6e86c9df66b31522487a6916b821a18927d50d6d5943daf221aa0',
    )
  })

  test('without expectations the blob is still checked on its own (footer, TOC, chunks)', async () => {
    expect(await verifyEstargz(blob('esgz'))).toMatchObject({ valid: true, chunks: 44 })
  })

  test('the plain gzip layer is "not eStargz", not corrupt', async () => {
    const verdict = rejected(await verifyEstargz(blob('plain')))
    expect(verdict.notEstargz).toBe(true)
    expect(verdict.reason).toMatch(/^not eStargz: no eStargz footer/)
  })
})

describe('damaged copies', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'estargz-test-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** A copy of a fixture blob, changed in place by `damage`. */
  async function damagedCopy(
    fixture: string,
    name: string,
    damage: (file: string) => Promise<void>,
  ): Promise<string> {
    const file = path.join(dir, `${name}.tar.gz`)
    await copyFile(blob(fixture), file)
    await damage(file)
    return file
  }

  async function patch(file: string, position: number, bytes: Buffer): Promise<void> {
    const fh = await open(file, 'r+')
    try {
      await fh.write(bytes, 0, bytes.length, position)
    } finally {
      await fh.close()
    }
  }

  async function flipByte(file: string, position: number): Promise<void> {
    const fh = await open(file, 'r+')
    try {
      const one = Buffer.alloc(1)
      await fh.read(one, 0, 1, position)
      one[0] = (one[0] ?? 0) ^ 0xff
      await fh.write(one, 0, 1, position)
    } finally {
      await fh.close()
    }
  }

  test('one flipped byte inside a chunk: chunk digest mismatch naming the file', async () => {
    const file = await damagedCopy('esgz', 'flipped', (f) => flipByte(f, ESGZ_BLOB_BIN_OFFSET + 20_000))
    const verdict = rejected(await verifyEstargz(file, await expectationsOf('esgz')))
    expect(verdict.notEstargz).toBe(false)
    expect(verdict.reason).toMatch(/^chunk digest mismatch in \.\/data\/blob\.bin bytes 0\.\.300000 /)
    expect(verdict.reason).toContain(`gzip member at offset ${ESGZ_BLOB_BIN_OFFSET}`)
    expect(verdict.reason).toContain(
      'sha256:222229b452595aa022383b6e9cc2ac951ad68408a326a939fbaac6db7a447896',
    )
  })

  test('one flipped byte in a 64 KiB chunk names that chunk', async () => {
    const file = await damagedCopy('esgz-chunk64k', 'flipped64k', (f) =>
      flipByte(f, CHUNK64K_BLOB_BIN_THIRD_CHUNK + 1000),
    )
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.reason).toMatch(/^chunk digest mismatch in \.\/data\/blob\.bin bytes 131072\.\.196608 /)
  })

  test('a damaged gzip trailer (CRC) is caught even when every chunk digest holds', async () => {
    // the 8 bytes before the TOC member are the trailer of the last data member: CRC32 then ISIZE
    const file = await damagedCopy('esgz', 'crc', (f) => flipByte(f, ESGZ_TOC_OFFSET - 8))
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.reason).toMatch(/CRC32 of its \d+ decoded bytes is 0x[0-9a-f]{8}, its trailer at \d+ says/)
  })

  test('wrong TOC digest annotation', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`
    const verdict = rejected(
      await verifyEstargz(blob('esgz'), { ...(await expectationsOf('esgz')), tocDigest: wrong }),
    )
    expect(verdict.notEstargz).toBe(false)
    expect(verdict.reason).toBe(
      `TOC digest mismatch: stargz.index.json (16007 bytes, TOC member at offset ${ESGZ_TOC_OFFSET}) hashes to ` +
        `sha256:414de5e35c74843947cb1aa16b1d5a5298af8d107c1196739e76861eb0bc4fa9, ` +
        `the containerd.io/snapshot/stargz/toc.digest annotation says ${wrong}`,
    )
  })

  test('wrong uncompressed size annotation', async () => {
    const verdict = rejected(
      await verifyEstargz(blob('esgz'), { ...(await expectationsOf('esgz')), uncompressedSize: 2509825 }),
    )
    expect(verdict.reason).toMatch(
      /^uncompressed size mismatch: the layer decompresses to 2509824 bytes \(49 gzip members\), the io\.containers\.estargz\.uncompressed-size annotation says 2509825$/,
    )
  })

  test('wrong blob digest and size', async () => {
    const expected = await expectationsOf('esgz')
    const digest = rejected(
      await verifyEstargz(blob('esgz'), { ...expected, digest: `sha256:${'1'.repeat(64)}` }),
    )
    expect(digest.reason).toBe(
      `blob digest mismatch: the blob hashes to ${expected.digest}, expected sha256:${'1'.repeat(64)}`,
    )
    const size = rejected(await verifyEstargz(blob('esgz'), { ...expected, size: expected.size + 1 }))
    expect(size.reason).toMatch(
      /^blob size mismatch: the blob is 1448431 bytes, its descriptor says 1448432$/,
    )
  })

  test('truncated footer', async () => {
    const file = await damagedCopy('esgz', 'truncated', (f) => truncate(f, 1448431 - 10))
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.notEstargz).toBe(false)
    expect(verdict.reason).toMatch(
      /^truncated eStargz footer: a footer starts at offset 1448380 but the blob ends 41 bytes later/,
    )
  })

  test('TOC offset pointing outside the file', async () => {
    const outside = (1448431 + 4096).toString(16).padStart(16, '0')
    const file = await damagedCopy('esgz', 'toc-outside', (f) =>
      patch(f, 1448431 - FOOTER_SIZE + 16, Buffer.from(outside, 'latin1')),
    )
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.notEstargz).toBe(false)
    expect(verdict.reason).toMatch(
      /^eStargz footer at offset 1448380: the TOC offset 1452527 \(0x0+1629ef\) points outside the blob's data/,
    )
  })

  test('TOC offset pointing into the file but not at the TOC member', async () => {
    const file = await damagedCopy('esgz', 'toc-misaimed', (f) =>
      patch(
        f,
        1448431 - FOOTER_SIZE + 16,
        Buffer.from((ESGZ_TOC_OFFSET + 3).toString(16).padStart(16, '0'), 'latin1'),
      ),
    )
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.reason).toMatch(
      /^the TOC at offset 1445583: no gzip member starts at offset 1445583: no gzip magic/,
    )
  })

  test('a legacy stargz footer is recognised and reported as not eStargz', async () => {
    const file = await damagedCopy('esgz', 'legacy', async (f) => {
      await truncate(f, 1448431 - FOOTER_SIZE)
      await writeFile(f, legacyFooter(ESGZ_TOC_OFFSET), { flag: 'a' })
    })
    const verdict = rejected(await verifyEstargz(file))
    expect(verdict.notEstargz).toBe(true)
    expect(verdict.reason).toMatch(/^not eStargz: legacy stargz: .*\(TOC at offset 1445580\)/)
  })
})

/** The 47-byte CRFS stargz footer: gzip header with a bare 22-byte extra field, empty stored block. */
function legacyFooter(tocOffset: number): Buffer {
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 22, 0]),
    Buffer.from(`${tocOffset.toString(16).padStart(16, '0')}STARGZ`, 'latin1'),
    Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]),
    Buffer.alloc(8),
  ])
}
