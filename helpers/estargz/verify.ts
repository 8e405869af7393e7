// verifyEstargz: is this blob a valid eStargz layer, and the one the manifest describes? Checks go from
// cheap to expensive (footer, TOC, layout, then one pass over the data), and the first failure is the
// verdict, worded to say what is wrong and where.
import { open, type FileHandle } from 'node:fs/promises'
import { readAt, sha256OfFile } from './blob-file.ts'
import { planChunks } from './chunks.ts'
import { EstargzInvalid, invalid, notEstargz } from './errors.ts'
import { FOOTER_SEARCH_WINDOW, parseFooter } from './footer.ts'
import {
  LEGACY_FOOTER_SIZE,
  NO_PREFETCH_LANDMARK,
  PREFETCH_LANDMARK,
  TOC_DIGEST_ANNOTATION,
  TOC_TAR_NAME,
  UNCOMPRESSED_SIZE_ANNOTATION,
} from './format.ts'
import { scanLayer } from './layer-scan.ts'
import { readToc } from './toc.ts'
import { checkTocMatchesTar, normalizeName } from './toc-vs-tar.ts'
import { layerListing, type LayerListing } from './layer-listing.ts'

export interface EstargzExpectations {
  /** the layer annotation containerd.io/snapshot/stargz/toc.digest */
  tocDigest?: string
  /** the layer annotation io.containers.estargz.uncompressed-size */
  uncompressedSize?: number
  /** the descriptor's digest: sha256 of the whole blob */
  digest?: string
  /** the descriptor's size in bytes */
  size?: number
}

export interface EstargzValid {
  valid: true
  format: 'estargz'
  tocDigest: string
  tocOffset: number
  /** TOC entries, chunk entries included */
  entries: number
  /** regular files (`reg` entries, landmarks and empty files included) */
  files: number
  /** chunks verified against their chunkDigest (non-empty `reg` entries and `chunk` entries) */
  chunks: number
  /** bytes of the whole decompressed blob (tar, TOC and footer) */
  uncompressedSize: number
  prefetchLandmark: boolean
  noPrefetchLandmark: boolean
  /**
   * where the landmark's gzip member starts: the files a lazy pull prefetches lie before it (with
   * `.no.prefetch.landmark` it is the first member and nothing is prefetched); undefined without one
   */
  landmarkOffset?: number
  /** what the layer puts into a root filesystem (only when asked for: it lists every file) */
  listing?: LayerListing
}

export interface VerifyOptions {
  /** also list the layer's files with their content digests (for the rootfs-content check) */
  listFiles?: boolean
}

export interface EstargzRejected {
  valid: false
  /** the blob isn't eStargz at all (plain gzip, legacy stargz), rather than damaged eStargz */
  notEstargz: boolean
  reason: string
}

export type EstargzVerdict = EstargzValid | EstargzRejected

/**
 * Validates an eStargz layer blob with bounded memory. A verdict, never an exception, for anything
 * wrong with the blob; throws only when the file can't be read.
 */
export async function verifyEstargz(
  blobPath: string,
  expect: EstargzExpectations = {},
  options: VerifyOptions = {},
): Promise<EstargzVerdict> {
  const fh = await open(blobPath, 'r')
  try {
    return await verifyOpenBlob(fh, expect, options)
  } catch (error) {
    if (error instanceof EstargzInvalid) {
      return { valid: false, notEstargz: error.notEstargz, reason: error.message }
    }
    throw error
  } finally {
    await fh.close()
  }
}

async function verifyOpenBlob(
  fh: FileHandle,
  expect: EstargzExpectations,
  options: VerifyOptions,
): Promise<EstargzValid> {
  const { size } = await fh.stat()
  if (expect.size !== undefined && size !== expect.size) {
    invalid(`blob size mismatch: the blob is ${size} bytes, its descriptor says ${expect.size}`)
  }

  const tailLength = Math.min(size, FOOTER_SEARCH_WINDOW)
  const footer = parseFooter(await readAt(fh, size - tailLength, tailLength), await readAt(fh, 0, 4), size)
  if (footer.kind === 'not-estargz') notEstargz(footer.reason)
  if (footer.kind === 'legacy-stargz') {
    notEstargz(
      `legacy stargz: the last ${LEGACY_FOOTER_SIZE} bytes are a stargz (CRFS) footer without the 'SG' ` +
        `subfield (TOC at offset ${footer.tocOffset}); eStargz needs the 51-byte footer`,
    )
  }
  if (footer.kind === 'corrupt') invalid(footer.reason)
  const { tocOffset, footerOffset } = footer

  const { toc, digest: tocDigest, jsonSize } = await readToc(fh, tocOffset, footerOffset)
  if (expect.tocDigest !== undefined && tocDigest !== expect.tocDigest) {
    invalid(
      `TOC digest mismatch: ${TOC_TAR_NAME} (${jsonSize} bytes, TOC member at offset ${tocOffset}) hashes to ` +
        `${tocDigest}, the ${TOC_DIGEST_ANNOTATION} annotation says ${expect.tocDigest}`,
    )
  }

  const files = planChunks(toc, tocOffset)
  const scan = await scanLayer(fh, files, { tocOffset, footerOffset, size })
  checkTocMatchesTar(toc, files, scan.tarEntries, scan.chunkPositions)
  if (expect.uncompressedSize !== undefined && scan.uncompressedSize !== expect.uncompressedSize) {
    invalid(
      `uncompressed size mismatch: the layer decompresses to ${scan.uncompressedSize} bytes ` +
        `(${scan.members} gzip members), the ${UNCOMPRESSED_SIZE_ANNOTATION} annotation says ${expect.uncompressedSize}`,
    )
  }
  if (expect.digest !== undefined) {
    const digest = await sha256OfFile(fh)
    if (digest !== expect.digest) {
      invalid(`blob digest mismatch: the blob hashes to ${digest}, expected ${expect.digest}`)
    }
  }

  const landmarkEntry = (name: string) =>
    toc.entries.find((e) => e.type === 'reg' && normalizeName(e.name) === name)
  const landmark = (name: string): boolean => landmarkEntry(name) !== undefined
  const landmarkOffset = (landmarkEntry(PREFETCH_LANDMARK) ?? landmarkEntry(NO_PREFETCH_LANDMARK))?.offset
  return {
    valid: true,
    format: 'estargz',
    tocDigest,
    tocOffset,
    entries: toc.entries.length,
    files: files.length,
    chunks: files.reduce((n, f) => n + f.chunks.length, 0),
    uncompressedSize: scan.uncompressedSize,
    prefetchLandmark: landmark(PREFETCH_LANDMARK),
    noPrefetchLandmark: landmark(NO_PREFETCH_LANDMARK),
    ...(landmarkOffset !== undefined ? { landmarkOffset } : {}),
    ...(options.listFiles ? { listing: layerListing(scan.tarEntries) } : {}),
  }
}
