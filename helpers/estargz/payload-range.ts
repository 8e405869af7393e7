// Where a file's compressed bytes lie in an eStargz blob: from the gzip member its first chunk starts
// (the TOC's offset) to the next member the TOC names (or the TOC itself). The content-corrupt fault
// changes a byte there, so the damage falls in a file the rootfs check reads, not in metadata.
import { open } from 'node:fs/promises'
import { readAt } from './blob-file.ts'
import { planChunks } from './chunks.ts'
import { FOOTER_SEARCH_WINDOW, parseFooter } from './footer.ts'
import { readToc } from './toc.ts'

export interface PayloadRange {
  /** the file's TOC name */
  name: string
  size: number
  /** blob offsets [start, end) of the gzip member(s) holding its first chunk */
  start: number
  end: number
}

/** The compressed range of the largest regular file's first chunk. */
export async function largestFilePayload(blobPath: string): Promise<PayloadRange> {
  const fh = await open(blobPath, 'r')
  try {
    const { size } = await fh.stat()
    const tail = Math.min(size, FOOTER_SEARCH_WINDOW)
    const footer = parseFooter(await readAt(fh, size - tail, tail), await readAt(fh, 0, 4), size)
    if (footer.kind !== 'estargz') throw new Error(`not an eStargz blob (${footer.kind})`)
    const { toc } = await readToc(fh, footer.tocOffset, footer.footerOffset)
    const files = planChunks(toc, footer.tocOffset).filter((f) => f.chunks.length > 0)
    const largest = [...files].sort((a, b) => b.size - a.size)[0]
    if (!largest) throw new Error('the TOC lists no file with content')
    const starts = [
      ...new Set([...files.flatMap((f) => f.chunks.map((c) => c.offset)), footer.tocOffset]),
    ].sort((a, b) => a - b)
    const start = largest.chunks[0]!.offset
    const end = starts.find((o) => o > start) ?? footer.tocOffset
    return { name: largest.name, size: largest.size, start, end }
  } finally {
    await fh.close()
  }
}
