// The footer decides what a blob is: eStargz (51-byte footer with an 'SG' subfield), legacy stargz
// (47 bytes, bare extra field), plain gzip, or eStargz whose footer is damaged. Pure: bytes in, facts out.
import { gunzipSync } from 'node:zlib'
import {
  FOOTER_HEADER_SIZE,
  FOOTER_MAGIC,
  FOOTER_SIZE,
  FOOTER_SUBFIELD_ID,
  FOOTER_SUBFIELD_LEN,
  FOOTER_XLEN,
  LEGACY_FOOTER_SIZE,
  LEGACY_FOOTER_XLEN,
} from './format.ts'
import { extraSubfields, hexBytes, isGzipMagic, parseGzipHeader } from './gzip-header.ts'

export type FooterFacts =
  | { kind: 'estargz'; tocOffset: number; footerOffset: number }
  | { kind: 'legacy-stargz'; tocOffset: number; footerOffset: number }
  /** no eStargz footer at all */
  | { kind: 'not-estargz'; reason: string }
  /** an eStargz footer is there but broken, misplaced or pointing nowhere */
  | { kind: 'corrupt'; reason: string }

/** How far back from the end to look for a misplaced footer (a truncated or padded blob). */
export const FOOTER_SEARCH_WINDOW = 4096

const OFFSET_AND_MAGIC = /^([0-9a-fA-F]{16})STARGZ$/
// gzip magic, deflate, FLG=FEXTRA, then (after MTIME/XFL/OS) XLEN=26 and subfield 'SG' of length 22
const FOOTER_START = Buffer.from([0x1f, 0x8b, 0x08, 0x04])
const FOOTER_EXTRA_START = Buffer.from([FOOTER_XLEN, 0x00, 0x53, 0x47, FOOTER_SUBFIELD_LEN, 0x00])

/**
 * @param tail the last min(blobSize, FOOTER_SEARCH_WINDOW) bytes of the blob
 * @param head the first bytes of the blob (two are enough)
 */
export function parseFooter(tail: Buffer, head: Buffer, blobSize: number): FooterFacts {
  if (blobSize >= FOOTER_SIZE) {
    const footerOffset = blobSize - FOOTER_SIZE
    const facts = parseEstargzFooter(tail.subarray(tail.length - FOOTER_SIZE), footerOffset, blobSize)
    if (facts) return facts
  }
  if (blobSize >= LEGACY_FOOTER_SIZE) {
    const footerOffset = blobSize - LEGACY_FOOTER_SIZE
    const tocOffset = parseLegacyFooter(tail.subarray(tail.length - LEGACY_FOOTER_SIZE))
    if (tocOffset !== undefined) return { kind: 'legacy-stargz', tocOffset, footerOffset }
  }
  const misplaced = findMisplacedFooter(tail, blobSize)
  if (misplaced) return { kind: 'corrupt', reason: misplaced }
  if (!isGzipMagic(head)) {
    return {
      kind: 'not-estargz',
      reason: `the blob is not gzip at all (it starts with ${hexBytes(head, 4)})`,
    }
  }
  return {
    kind: 'not-estargz',
    reason:
      `no eStargz footer: the last ${FOOTER_SIZE} bytes of the ${blobSize}-byte blob are not a gzip member ` +
      `with an '${FOOTER_SUBFIELD_ID}' extra subfield (a plain gzip layer?)`,
  }
}

/** undefined when these bytes don't even claim to be an eStargz footer (no 'SG' extra subfield) */
function parseEstargzFooter(footer: Buffer, footerOffset: number, blobSize: number): FooterFacts | undefined {
  const parsed = parseGzipHeader(footer)
  if (parsed.kind !== 'header' || !parsed.header.extra) return undefined
  const { header } = parsed
  const extra = header.extra
  if (!extra || extra.toString('latin1', 0, 2) !== FOOTER_SUBFIELD_ID) return undefined

  const where = `eStargz footer at offset ${footerOffset}`
  const corrupt = (problem: string): FooterFacts => ({ kind: 'corrupt', reason: `${where}: ${problem}` })
  if (header.length !== FOOTER_HEADER_SIZE || extra.length !== FOOTER_XLEN) {
    return corrupt(
      `its gzip header is ${header.length} bytes (FLG 0x${header.flags.toString(16)}, XLEN ${extra.length}); ` +
        `expected ${FOOTER_HEADER_SIZE} (only FEXTRA, XLEN ${FOOTER_XLEN})`,
    )
  }
  const sg = extraSubfields(extra)?.[0]
  if (!sg || sg.data.length !== FOOTER_SUBFIELD_LEN) {
    return corrupt(`subfield '${FOOTER_SUBFIELD_ID}' is not ${FOOTER_SUBFIELD_LEN} bytes long`)
  }
  const text = sg.data.toString('latin1')
  const match = OFFSET_AND_MAGIC.exec(text)
  if (!match?.[1]) {
    return corrupt(
      `subfield '${FOOTER_SUBFIELD_ID}' is ${JSON.stringify(text)}, not 16 hex digits + '${FOOTER_MAGIC}'`,
    )
  }
  try {
    const body = gunzipSync(footer)
    if (body.length !== 0) return corrupt(`its gzip member holds ${body.length} bytes; a footer is empty`)
  } catch (error) {
    return corrupt(`its gzip member does not decode (${(error as Error).message})`)
  }
  const tocOffset = BigInt(`0x${match[1]}`)
  if (tocOffset >= BigInt(footerOffset)) {
    return corrupt(
      `the TOC offset ${tocOffset} (0x${match[1]}) points outside the blob's data: the blob is ${blobSize} bytes ` +
        `and the TOC must start before the footer at ${footerOffset}`,
    )
  }
  return { kind: 'estargz', tocOffset: Number(tocOffset), footerOffset }
}

function parseLegacyFooter(footer: Buffer): number | undefined {
  const parsed = parseGzipHeader(footer)
  if (parsed.kind !== 'header' || parsed.header.extra?.length !== LEGACY_FOOTER_XLEN) return undefined
  const match = OFFSET_AND_MAGIC.exec(parsed.header.extra.toString('latin1'))
  return match?.[1] ? Number(BigInt(`0x${match[1]}`)) : undefined
}

/** An eStargz footer that doesn't end exactly at the end of the blob: cut short, or followed by junk. */
function findMisplacedFooter(tail: Buffer, blobSize: number): string | undefined {
  const tailStart = blobSize - tail.length
  for (
    let at = tail.lastIndexOf(FOOTER_START);
    at >= 0;
    at = at > 0 ? tail.lastIndexOf(FOOTER_START, at - 1) : -1
  ) {
    const extraStart = tail.subarray(at + 10, at + 10 + FOOTER_EXTRA_START.length)
    // a cut inside the fixed part still counts when what is there matches
    if (!FOOTER_EXTRA_START.subarray(0, extraStart.length).equals(extraStart)) continue
    const offset = tailStart + at
    const present = tail.length - at
    if (present < FOOTER_SIZE) {
      return (
        `truncated eStargz footer: a footer starts at offset ${offset} but the blob ends ${present} bytes later ` +
        `(a footer is ${FOOTER_SIZE} bytes; the blob is ${blobSize} bytes)`
      )
    }
    return (
      `misplaced eStargz footer: a footer starts at offset ${offset}, but ${present - FOOTER_SIZE} bytes follow ` +
      `it; it must be the last ${FOOTER_SIZE} bytes of the blob`
    )
  }
  return undefined
}
