// RFC 1952 gzip member header. The eStargz footer and every chunk boundary start with one: the footer
// parser needs its extra field, the member walker needs where the deflate data begins.

const ID1 = 0x1f
const ID2 = 0x8b
const CM_DEFLATE = 8
const FHCRC = 0x02
const FEXTRA = 0x04
const FNAME = 0x08
const FCOMMENT = 0x10
const RESERVED = 0xe0
const FIXED_LENGTH = 10

export interface GzipHeader {
  /** bytes from the member's first byte to its first deflate byte */
  length: number
  flags: number
  /** the FEXTRA field (without its XLEN), when present */
  extra?: Buffer
}

export type GzipHeaderParse =
  | { kind: 'header'; header: GzipHeader }
  /** the buffer ends inside the header */
  | { kind: 'incomplete' }
  | { kind: 'invalid'; problem: string }

export function isGzipMagic(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === ID1 && bytes[1] === ID2
}

export function hexBytes(bytes: Buffer, max = 8): string {
  return [...bytes.subarray(0, max)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)'
}

/** Parses the header at the start of `bytes`. */
export function parseGzipHeader(bytes: Buffer): GzipHeaderParse {
  if (bytes.length < 2) return { kind: 'incomplete' }
  if (!isGzipMagic(bytes)) return { kind: 'invalid', problem: `no gzip magic (found ${hexBytes(bytes, 4)})` }
  if (bytes.length < FIXED_LENGTH) return { kind: 'incomplete' }
  const cm = bytes[2] ?? 0
  const flags = bytes[3] ?? 0
  if (cm !== CM_DEFLATE) return { kind: 'invalid', problem: `compression method ${cm}, not deflate (8)` }
  if (flags & RESERVED) {
    return { kind: 'invalid', problem: `reserved flag bits set (FLG 0x${flags.toString(16)})` }
  }

  let pos = FIXED_LENGTH
  let extra: Buffer | undefined
  if (flags & FEXTRA) {
    if (bytes.length < pos + 2) return { kind: 'incomplete' }
    const xlen = bytes.readUInt16LE(pos)
    pos += 2
    if (bytes.length < pos + xlen) return { kind: 'incomplete' }
    extra = bytes.subarray(pos, pos + xlen)
    pos += xlen
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue
    const nul = bytes.indexOf(0, pos)
    if (nul < 0) return { kind: 'incomplete' }
    pos = nul + 1
  }
  if (flags & FHCRC) pos += 2
  if (bytes.length < pos) return { kind: 'incomplete' }
  return { kind: 'header', header: { length: pos, flags, ...(extra ? { extra } : {}) } }
}

export interface ExtraSubfield {
  /** SI1 SI2 as two characters */
  id: string
  data: Buffer
}

/** Splits an extra field into RFC 1952 subfields; undefined when the lengths don't add up. */
export function extraSubfields(extra: Buffer): ExtraSubfield[] | undefined {
  const fields: ExtraSubfield[] = []
  let pos = 0
  while (pos < extra.length) {
    if (pos + 4 > extra.length) return undefined
    const len = extra.readUInt16LE(pos + 2)
    if (pos + 4 + len > extra.length) return undefined
    fields.push({ id: extra.toString('latin1', pos, pos + 2), data: extra.subarray(pos + 4, pos + 4 + len) })
    pos += 4 + len
  }
  return fields
}
