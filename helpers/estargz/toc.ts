// The TOC: the gzip member(s) between the footer's TOC offset and the footer must hold a tar with
// exactly one entry, stargz.index.json. Its digest is taken over the raw JSON bytes, before parsing,
// because that is what the toc.digest annotation pins.
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { EstargzInvalid, invalid } from './errors.ts'
import { TOC_TAR_NAME } from './format.ts'
import { inflateMembers } from './gzip-member.ts'
import { TarReader } from './tar-reader.ts'
import { parseToc, type Toc } from './toc-schema.ts'

/** A TOC bigger than this is refused rather than held in memory. */
export const MAX_TOC_JSON_BYTES = 64 * 1024 * 1024

export interface TocFacts {
  toc: Toc
  /** "sha256:<hex>" of the raw stargz.index.json bytes */
  digest: string
  jsonSize: number
}

export async function readToc(fh: FileHandle, tocOffset: number, footerOffset: number): Promise<TocFacts> {
  const where = `the TOC at offset ${tocOffset}`
  const entries: string[] = []
  const parts: Buffer[] = []
  let jsonSize = 0
  const tar = new TarReader(async (header, content) => {
    const isToc = header.name === TOC_TAR_NAME && header.type === 'file'
    entries.push(isToc ? TOC_TAR_NAME : `${JSON.stringify(header.name)} (${header.type})`)
    if (isToc && header.size > MAX_TOC_JSON_BYTES) {
      invalid(`${TOC_TAR_NAME} is ${header.size} bytes, over the ${MAX_TOC_JSON_BYTES}-byte limit`)
    }
    for await (const piece of content) {
      if (!isToc) continue
      parts.push(piece)
      jsonSize += piece.length
    }
  })
  try {
    await inflateMembers(fh, tocOffset, footerOffset, (piece) => tar.write(piece))
    await tar.end()
  } catch (error) {
    if (error instanceof EstargzInvalid) throw error.within(where)
    invalid(`${where}: its tar stream is broken (${(error as Error).message})`)
  }

  if (entries.length !== 1 || entries[0] !== TOC_TAR_NAME) {
    invalid(
      `${where}: its tar must hold exactly one entry, the regular file ${TOC_TAR_NAME}; it holds ` +
        (entries.length ? entries.join(', ') : 'none'),
    )
  }
  const json = Buffer.concat(parts, jsonSize)
  const digest = `sha256:${createHash('sha256').update(json).digest('hex')}`
  const toc = parseToc(json.toString('utf8'), `${where}: ${TOC_TAR_NAME}`)
  return { toc, digest, jsonSize }
}
