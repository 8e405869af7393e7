// From the TOC to the list of chunks to verify: each non-empty regular file is a `reg` entry followed by
// its `chunk` entries, which must tile the file exactly, each with a digest and an offset inside the
// blob's data area (before the TOC). Layout mistakes are rejected here, before any decompression.
import { invalid } from './errors.ts'
import type { Toc, TocEntry } from './toc-schema.ts'

export interface ChunkPlan {
  /** index of the TOC entry */
  entry: number
  name: string
  /** where its gzip member starts in the blob */
  offset: number
  /** where the chunk starts in the data decoded from `offset` */
  innerOffset: number
  /** where the chunk starts in the file */
  chunkOffset: number
  size: number
  /** expected sha256 of the chunk's bytes */
  digest: string
}

export interface FilePlan {
  entry: number
  name: string
  size: number
  /** the file's own content digest, when the TOC records it */
  digest?: string
  chunks: ChunkPlan[]
}

export function describeChunk(chunk: ChunkPlan): string {
  const inner = chunk.innerOffset ? ` + ${chunk.innerOffset} decoded bytes` : ''
  return (
    `${chunk.name} bytes ${chunk.chunkOffset}..${chunk.chunkOffset + chunk.size} ` +
    `(TOC entries[${chunk.entry}], gzip member at offset ${chunk.offset}${inner})`
  )
}

export function planChunks(toc: Toc, tocOffset: number): FilePlan[] {
  const files: FilePlan[] = []
  const seen = new Map<string, ChunkPlan>()
  let open: { file: FilePlan; next: number } | undefined

  const close = (): void => {
    if (open && open.next !== open.file.size) {
      invalid(
        `TOC: the chunks of ${open.file.name} (entries[${open.file.entry}]) cover ${open.next} of its ${open.file.size} bytes`,
      )
    }
    open = undefined
  }

  toc.entries.forEach((e, index) => {
    const at = `TOC entries[${index}] (${e.type} ${JSON.stringify(e.name)})`
    if (e.type !== 'chunk') close()
    if (e.type === 'reg') {
      const size = e.size ?? 0
      if ((e.chunkOffset ?? 0) !== 0) {
        invalid(`${at}: a reg entry must start at chunkOffset 0, not ${e.chunkOffset}`)
      }
      const file: FilePlan = {
        entry: index,
        name: e.name,
        size,
        chunks: [],
        ...(e.digest ? { digest: e.digest } : {}),
      }
      files.push(file)
      if (size === 0) return // empty files have no payload, no offset and no chunk digest
      open = { file, next: 0 }
    } else if (e.type === 'chunk') {
      if (!open || open.file.name !== e.name) {
        invalid(`${at}: a chunk entry must follow the reg entry (or another chunk) of the same file`)
      }
      if (e.chunkOffset === undefined) invalid(`${at}: a chunk entry must set chunkOffset`)
      if (e.chunkOffset !== open.next) {
        invalid(
          `${at}: chunkOffset ${e.chunkOffset}, but the previous chunk of this file ends at ${open.next}`,
        )
      }
    } else {
      return
    }
    if (!open) return
    const chunk = plan(e, index, at, open.file.size, open.next, tocOffset)
    const key = `${chunk.offset}+${chunk.innerOffset}`
    const twin = seen.get(key)
    if (twin) {
      invalid(
        `${at}: its data position (offset ${chunk.offset}, innerOffset ${chunk.innerOffset}) is also entries[${twin.entry}]'s`,
      )
    }
    seen.set(key, chunk)
    open.file.chunks.push(chunk)
    open.next += chunk.size
  })
  close()
  return files
}

function plan(
  e: TocEntry,
  entry: number,
  at: string,
  fileSize: number,
  chunkOffset: number,
  tocOffset: number,
): ChunkPlan {
  if (e.offset === undefined) invalid(`${at}: no offset for its data`)
  if (e.offset >= tocOffset) invalid(`${at}: offset ${e.offset} is not before the TOC at ${tocOffset}`)
  if (!e.chunkDigest) invalid(`${at}: no chunkDigest`)
  // chunkSize 0 (or absent) means "to the end of the file"
  const size = e.chunkSize ? e.chunkSize : fileSize - chunkOffset
  if (size <= 0 || chunkOffset + size > fileSize) {
    invalid(`${at}: chunk ${chunkOffset}..${chunkOffset + size} does not fit in the file's ${fileSize} bytes`)
  }
  return {
    entry,
    name: e.name,
    offset: e.offset,
    innerOffset: e.innerOffset ?? 0,
    chunkOffset,
    size,
    digest: e.chunkDigest,
  }
}
