// One sequential pass over the whole blob, member by member. The TOC's chunk offsets split the data
// area into segments that must each start a gzip member; every segment is decoded on its own, so a
// chunk is hashed from exactly the member the TOC points at. The decoded pieces also go, in order, to a
// tar reader (what the layer really contains) and into the uncompressed-size count.
import { createHash, type Hash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { describeChunk, type ChunkPlan, type FilePlan } from './chunks.ts'
import { EstargzInvalid, invalid } from './errors.ts'
import { inflateMembers } from './gzip-member.ts'
import { TarReader } from './tar-reader.ts'

export interface TarEntryFacts {
  name: string
  /** tar-stream's type name: file, directory, symlink, link, ... */
  type: string
  size: number
  linkname?: string
  /** where its content starts in the decoded layer */
  contentOffset: number
  /** "sha256:<hex>" of the content of file entries */
  digest?: string
}

export interface ScanFacts {
  uncompressedSize: number
  members: number
  /** decoded-layer position of the first byte of each chunk, by TOC entry index */
  chunkPositions: Map<number, number>
  tarEntries: TarEntryFacts[]
}

interface Segment {
  start: number
  end: number
  chunks: ChunkPlan[]
  what: string
}

interface ChunkHash {
  chunk: ChunkPlan
  hash: Hash
  got: number
}

export async function scanLayer(
  fh: FileHandle,
  files: FilePlan[],
  layout: { tocOffset: number; footerOffset: number; size: number },
): Promise<ScanFacts> {
  const facts: ScanFacts = { uncompressedSize: 0, members: 0, chunkPositions: new Map(), tarEntries: [] }
  const tar = new TarReader(async (header, content, contentOffset) => {
    const entry: TarEntryFacts = { name: header.name, type: header.type, size: header.size, contentOffset }
    if (header.linkname) entry.linkname = header.linkname
    const hash = entry.type === 'file' || entry.type === 'contiguous-file' ? createHash('sha256') : undefined
    for await (const piece of content) hash?.update(piece)
    if (hash) entry.digest = `sha256:${hash.digest('hex')}`
    facts.tarEntries.push(entry)
  })

  for (const segment of segments(files, layout)) {
    const segmentStart = facts.uncompressedSize
    const hashes: ChunkHash[] = segment.chunks.map((chunk) => ({ chunk, hash: createHash('sha256'), got: 0 }))
    for (const { chunk } of hashes) facts.chunkPositions.set(chunk.entry, segmentStart + chunk.innerOffset)
    let sinkFailed = false
    try {
      const run = await inflateMembers(fh, segment.start, segment.end, async (piece) => {
        try {
          hashChunks(hashes, piece, facts.uncompressedSize - segmentStart)
          facts.uncompressedSize += piece.length
          await tar.write(piece)
        } catch (error) {
          sinkFailed = true
          throw error
        }
      })
      facts.members += run.members
    } catch (error) {
      if (sinkFailed && error instanceof EstargzInvalid) throw error
      if (error instanceof EstargzInvalid) throw error.within(`in ${segment.what}`)
      invalid(`the layer's tar stream breaks in ${segment.what}: ${(error as Error).message}`)
    }
    const decoded = facts.uncompressedSize - segmentStart
    for (const { chunk, got } of hashes) {
      if (got < chunk.size) {
        invalid(
          `${describeChunk(chunk)}: the gzip data from offset ${chunk.offset} decodes to only ${decoded} bytes, ` +
            `the chunk needs ${chunk.innerOffset + chunk.size}`,
        )
      }
    }
  }
  try {
    await tar.end()
  } catch (error) {
    if (error instanceof EstargzInvalid) throw error
    invalid(`the layer's tar stream is incomplete: ${(error as Error).message}`)
  }
  return facts
}

/** Hashes the part of `piece` (which starts `at` bytes into its segment) that falls in each chunk. */
function hashChunks(hashes: ChunkHash[], piece: Buffer, at: number): void {
  for (const h of hashes) {
    const from = Math.max(h.chunk.innerOffset - at, 0)
    const to = Math.min(h.chunk.innerOffset + h.chunk.size - at, piece.length)
    if (from >= to) continue
    h.hash.update(piece.subarray(from, to))
    h.got += to - from
    if (h.got < h.chunk.size) continue
    const digest = `sha256:${h.hash.digest('hex')}`
    if (digest !== h.chunk.digest) {
      invalid(
        `chunk digest mismatch in ${describeChunk(h.chunk)}: its bytes hash to ${digest}, the TOC says ${h.chunk.digest}`,
      )
    }
  }
}

/** [0, first chunk), [chunk, next chunk) ..., [last chunk, TOC), [TOC, footer), [footer, end) */
function* segments(
  files: FilePlan[],
  { tocOffset, footerOffset, size }: { tocOffset: number; footerOffset: number; size: number },
): Generator<Segment> {
  const byOffset = new Map<number, ChunkPlan[]>()
  for (const chunk of files.flatMap((f) => f.chunks)) {
    byOffset.set(chunk.offset, [...(byOffset.get(chunk.offset) ?? []), chunk])
  }
  const starts = [...new Set([0, ...byOffset.keys()])].sort((a, b) => a - b)
  for (const [i, start] of starts.entries()) {
    const chunks = byOffset.get(start) ?? []
    const end = starts[i + 1] ?? tocOffset
    const first = chunks[0]
    const contents = first ? `begin with the data of ${describeChunk(first)}` : 'hold tar headers'
    yield { start, end, chunks, what: `the gzip members from offset ${start} to ${end}, which ${contents}` }
  }
  yield { start: tocOffset, end: footerOffset, chunks: [], what: `the TOC member at offset ${tocOffset}` }
  yield { start: footerOffset, end: size, chunks: [], what: `the footer at offset ${footerOffset}` }
}
