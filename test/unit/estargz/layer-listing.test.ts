// The files an eStargz layer puts into a rootfs, from the validator's own pass over the captured layer
// (fixtures/estargz/esgz), held against the same files read independently from the plain layer it was
// converted from (fixtures/estargz/plain, read here with tar-stream and node's gunzip).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { extract } from 'tar-stream'
import { describe, expect, test } from 'vitest'
import { rootfsFiles, verifyEstargz, type LayerListing } from '../../../helpers/estargz/index.ts'

const fixtures = fileURLToPath(new URL('../../../fixtures/estargz/', import.meta.url))

async function plainFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  const ex = extract()
  ex.on('entry', (header, stream, next) => {
    const hash = createHash('sha256')
    stream.on('data', (d) => void hash.update(d as Buffer))
    stream.on('end', () => {
      if (header.type === 'file')
        files.set(`/${header.name.replace(/^\.?\//, '')}`, `sha256:${hash.digest('hex')}`)
      next()
    })
  })
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve())
    ex.on('error', reject)
  })
  ex.end(gunzipSync(readFileSync(`${fixtures}plain/layer.tar.gz`)))
  await done
  return files
}

async function esgzListing(): Promise<LayerListing> {
  const verdict = await verifyEstargz(`${fixtures}esgz/layer.tar.gz`, {}, { listFiles: true })
  if (!verdict.valid || !verdict.listing) throw new Error(JSON.stringify(verdict))
  return verdict.listing
}

describe('layerListing on the captured eStargz layer', () => {
  test('lists every regular file of the image with its content digest, and nothing of eStargz’s own', async () => {
    const listing = await esgzListing()
    const plain = await plainFiles()
    const listed = new Map(listing.files.map((f) => [f.path, f.digest]))
    expect(listed).toEqual(plain)
    expect(listed.get('/data/blob.bin')).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect([...listed.keys()].filter((p) => /stargz\.index\.json|landmark/.test(p))).toEqual([])
    // 44 `reg` TOC entries, one of them the .no.prefetch.landmark
    expect(listing.files).toHaveLength(43)
    expect(listing.whiteouts).toEqual([])
  })

  test('is only listed when asked for', async () => {
    const verdict = await verifyEstargz(`${fixtures}esgz/layer.tar.gz`)
    expect(verdict.valid && 'listing' in verdict).toBe(false)
  })
})

describe('rootfsFiles: layers stacked as a container sees them', () => {
  test('an upper layer replaces a file, a whiteout removes one, an opaque directory hides a tree', async () => {
    const lower = await esgzListing()
    const blob = lower.files.find((f) => f.path === '/data/blob.bin')!
    const binFiles = lower.files.filter((f) => f.path.startsWith('/bin/'))
    expect(binFiles.length).toBeGreaterThan(0)
    const upper: LayerListing = {
      files: [{ path: '/data/blob.bin', digest: `sha256:${'1'.repeat(64)}`, size: 3 }],
      whiteouts: [lower.files.find((f) => f.path.startsWith('/etc/'))?.path ?? '/etc/none'],
      opaqueDirs: ['/bin'],
    }
    const merged = rootfsFiles([lower, upper])
    expect(merged.get('/data/blob.bin')?.digest).toBe(`sha256:${'1'.repeat(64)}`)
    expect(merged.has(upper.whiteouts[0]!)).toBe(false)
    expect([...merged.keys()].filter((p) => p.startsWith('/bin/'))).toEqual([])
    expect(merged.size).toBe(lower.files.length - 1 - binFiles.length)
    expect(rootfsFiles([lower]).get('/data/blob.bin')).toEqual(blob)
  })
})
