// Layouts the captured layers don't show (prefetch landmark, several payloads in one member with
// innerOffset, a payload split over two members) and TOC-level damage that needs a re-made TOC member.
// The blobs are assembled here from tar-stream's pack output, cut into gzip members at the payload
// positions, the way the format describes; nothing is copied from an eStargz writer.
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { verifyEstargz, type EstargzVerdict } from '../../../helpers/estargz/index.ts'

interface Spec {
  name: string
  type?: 'dir' | 'symlink'
  content?: string | Buffer
  linkName?: string
}

type TocEntry = Record<string, unknown> & { name: string; type: string }

interface BuildOptions {
  /** chunk size for regular files (default: one chunk per file) */
  chunkSize?: number
  /** put every payload in the first payload's member, addressed by innerOffset */
  oneMember?: boolean
  /** start an extra gzip member (no TOC entry) this many bytes into each payload */
  splitPayloadAt?: number
  editToc?: (entries: TocEntry[]) => void
  /** extra entries for the TOC tar, after stargz.index.json */
  tocTarExtras?: string[]
  tocJson?: (json: string) => string
}

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`
const HEADER = 512

async function tarBytes(
  entries: { name: string; type?: 'directory' | 'symlink'; linkname?: string; body?: Buffer }[],
) {
  const packer = pack()
  for (const e of entries) {
    packer.entry(
      { name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) },
      e.body ?? '',
    )
  }
  packer.finalize()
  const parts: Buffer[] = []
  for await (const part of packer) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

function estargzFooter(tocOffset: number): Buffer {
  const sg = Buffer.from(`${tocOffset.toString(16).padStart(16, '0')}STARGZ`, 'latin1')
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 26, 0, 0x53, 0x47, 22, 0]),
    sg,
    Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]),
    Buffer.alloc(8),
  ])
}

/** An eStargz blob of `specs`: tar headers and payloads cut into gzip members, TOC member, footer. */
async function buildEstargz(specs: Spec[], options: BuildOptions = {}): Promise<Buffer> {
  const bodies = specs.map((s) => (s.content === undefined ? undefined : Buffer.from(s.content)))
  const tarEntries = specs.map((s, i) => ({
    name: s.name,
    ...(s.type === 'dir'
      ? { type: 'directory' as const }
      : s.type === 'symlink'
        ? { type: 'symlink' as const }
        : {}),
    ...(s.linkName ? { linkname: s.linkName } : {}),
    ...(bodies[i] ? { body: bodies[i] } : {}),
  }))
  const tar = await tarBytes(tarEntries)
  const data = tar.subarray(0, tar.length - 1024) // the TOC's tar brings the end-of-archive blocks

  // where each payload (and chunk) starts in the tar: names are short, so every header is one block
  const cuts: { at: number; entry?: TocEntry }[] = [{ at: 0 }]
  const toc: TocEntry[] = []
  let pos = 0
  specs.forEach((s, i) => {
    const body = bodies[i]
    const payload = pos + HEADER
    pos = payload + Math.ceil((body?.length ?? 0) / HEADER) * HEADER
    if (s.type)
      return void toc.push({ name: s.name, type: s.type, ...(s.linkName ? { linkName: s.linkName } : {}) })
    const size = body?.length ?? 0
    if (size === 0) return void toc.push({ name: s.name, type: 'reg', size: 0 })
    const step = options.chunkSize ?? size
    for (let off = 0; off < size; off += step) {
      const len = Math.min(step, size - off)
      const entry: TocEntry = {
        name: s.name,
        type: off === 0 ? 'reg' : 'chunk',
        ...(off === 0 ? { size, digest: sha256(body ?? Buffer.alloc(0)) } : { chunkOffset: off }),
        ...(off + len < size ? { chunkSize: len } : {}),
        chunkDigest: sha256((body ?? Buffer.alloc(0)).subarray(off, off + len)),
      }
      toc.push(entry)
      cuts.push({ at: payload + off, entry })
      if (options.splitPayloadAt && off === 0 && len > options.splitPayloadAt) {
        cuts.push({ at: payload + options.splitPayloadAt })
      }
    }
  })

  // compress member by member, recording offsets (and innerOffsets when payloads share a member)
  const firstPayload = cuts[1]?.at ?? data.length
  const starts = options.oneMember ? [cuts[0] ?? { at: 0 }, { at: firstPayload }] : cuts
  const members: Buffer[] = []
  let compressed = 0
  starts.forEach((cut, i) => {
    const end = starts[i + 1]?.at ?? data.length
    for (const c of cuts) {
      if (c.entry && c.at >= cut.at && c.at < end) {
        c.entry.offset = compressed
        if (c.at > cut.at) c.entry.innerOffset = c.at - cut.at
      }
    }
    const member = gzipSync(data.subarray(cut.at, end))
    members.push(member)
    compressed += member.length
  })

  options.editToc?.(toc)
  const json = (options.tocJson ?? ((j: string) => j))(JSON.stringify({ version: 1, entries: toc }))
  const tocTar = await tarBytes([
    { name: 'stargz.index.json', body: Buffer.from(json) },
    ...(options.tocTarExtras ?? []).map((name) => ({ name, body: Buffer.from('x') })),
  ])
  return Buffer.concat([...members, gzipSync(tocTar), estargzFooter(compressed)])
}

const files: Spec[] = [
  { name: '.prefetch.landmark', content: Buffer.from([0xf]) },
  { name: 'etc/', type: 'dir' },
  { name: 'etc/hostname', content: 'estargz\n' },
  { name: 'etc/empty', content: '' },
  { name: 'etc/link', type: 'symlink', linkName: 'hostname' },
  { name: 'data/a.bin', content: Buffer.alloc(5000, 'a') },
  { name: 'data/b.bin', content: Buffer.alloc(5000, 'b') },
  { name: 'data/same1', content: 'same content\n' },
  { name: 'data/same2', content: 'same content\n' },
]

describe('synthetic eStargz layouts', () => {
  let dir: string
  let n = 0
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'estargz-synthetic-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  async function verify(blob: Buffer): Promise<EstargzVerdict> {
    const file = path.join(dir, `blob-${n++}.tar.gz`)
    await writeFile(file, blob)
    return verifyEstargz(file, { digest: sha256(blob), size: blob.length })
  }
  async function reason(blob: Buffer): Promise<string> {
    const verdict = await verify(blob)
    expect(verdict.valid, JSON.stringify(verdict)).toBe(false)
    return verdict.valid ? '' : verdict.reason
  }

  test('one member per payload, prefetch landmark', async () => {
    expect(await verify(await buildEstargz(files))).toMatchObject({
      valid: true,
      entries: 9,
      files: 7,
      chunks: 6, // the empty file has none
      prefetchLandmark: true,
      noPrefetchLandmark: false,
    })
  })

  test('chunked files', async () => {
    expect(await verify(await buildEstargz(files, { chunkSize: 1024 }))).toMatchObject({
      valid: true,
      entries: 9 + 2 * 4,
      chunks: 6 + 2 * 4,
    })
  })

  test('all payloads in one member, addressed by innerOffset', async () => {
    let toc: TocEntry[] = []
    const blob = await buildEstargz(files, {
      chunkSize: 2048,
      oneMember: true,
      editToc: (e) => void (toc = e),
    })
    expect(toc.filter((e) => typeof e.innerOffset === 'number' && e.innerOffset > 0)).toHaveLength(9)
    expect(await verify(blob)).toMatchObject({ valid: true, chunks: 10 })
  })

  test('a payload continued in a second gzip member without its own TOC entry', async () => {
    expect(await verify(await buildEstargz(files, { splitPayloadAt: 1000 }))).toMatchObject({ valid: true })
  })

  test('the TOC tar holds more than stargz.index.json', async () => {
    expect(await reason(await buildEstargz(files, { tocTarExtras: ['extra.txt'] }))).toMatch(
      /^the TOC at offset \d+: its tar must hold exactly one entry, the regular file stargz\.index\.json; it holds stargz\.index\.json, "extra\.txt" \(file\)$/,
    )
  })

  test('TOC JSON of the wrong shape', async () => {
    const version = await buildEstargz(files, { tocJson: (j) => j.replace('"version":1', '"version":2') })
    expect(await reason(version)).toMatch(/stargz\.index\.json has the wrong shape at version: /)
    const type = await buildEstargz(files, { editToc: (e) => void (e[1] && (e[1].type = 'directory')) })
    expect(await reason(type)).toMatch(/wrong shape at entries\[1\]\.type \("etc\/"\): Invalid option/)
    expect(await reason(await buildEstargz(files, { tocJson: (j) => j.slice(0, -1) }))).toMatch(/is not JSON/)
  })

  test('identical files with swapped offsets: digests hold, positions do not', async () => {
    const blob = await buildEstargz(files, {
      editToc: (entries) => {
        const [a, b] = entries.filter((e) => e.name.startsWith('data/same'))
        if (a && b) [a.offset, b.offset] = [b.offset, a.offset]
      },
    })
    expect(await reason(blob)).toMatch(
      /^TOC entries\[7\] \("data\/same1" from byte 0\) points at decoded layer offset \d+, but that part of tar entry "data\/same1" \(file\) is at \d+$/,
    )
  })

  test('a tar entry the TOC leaves out, and a TOC entry with no tar entry', async () => {
    const dropped = await buildEstargz(files, { editToc: (e) => void e.splice(4, 1) })
    expect(await reason(dropped)).toBe('tar entry "etc/link" (symlink) has no TOC entry')
    const invented = await buildEstargz(files, {
      editToc: (e) => void e.push({ name: 'ghost/', type: 'dir' }),
    })
    expect(await reason(invented)).toBe('TOC entries[9] (dir "ghost/") has no tar entry in the layer')
  })

  test('a chunk entry whose file does not add up', async () => {
    const gap = await buildEstargz(files, {
      chunkSize: 1024,
      editToc: (e) =>
        void e.splice(
          e.findIndex((x) => x.type === 'chunk'),
          1,
        ),
    })
    expect(await reason(gap)).toMatch(
      /^TOC entries\[\d+\] \(chunk "data\/a\.bin"\): chunkOffset 2048, but the previous chunk/,
    )
  })

  test('a chunk without chunkDigest', async () => {
    const blob = await buildEstargz(files, { editToc: (e) => void (e[2] && delete e[2].chunkDigest) })
    expect(await reason(blob)).toBe('TOC entries[2] (reg "etc/hostname"): no chunkDigest')
  })
})
