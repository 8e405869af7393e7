// parseFooter on real footers (the captured layers) and on hand-made variants of the 51- and 47-byte
// layouts from docs/estargz.md.
import { readFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { parseFooter } from '../../../helpers/estargz/footer.ts'

const fixture = (name: string): Promise<Buffer> =>
  readFile(new URL(`../../../fixtures/estargz/${name}/layer.tar.gz`, import.meta.url))

/** An eStargz footer as the spec lays it out; `subfield` replaces the 22-byte "%016xSTARGZ" payload. */
function footer(tocOffset: number, subfield = `${tocOffset.toString(16).padStart(16, '0')}STARGZ`): Buffer {
  const sg = Buffer.from(subfield, 'latin1')
  const extra = Buffer.concat([Buffer.from([0x53, 0x47, sg.length, 0]), sg])
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, extra.length, 0]),
    extra,
    Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]), // final stored block of length 0
    Buffer.alloc(8), // CRC32 and ISIZE of nothing
  ])
}

function legacyFooter(tocOffset: number): Buffer {
  const extra = Buffer.from(`${tocOffset.toString(16).padStart(16, '0')}STARGZ`, 'latin1')
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, extra.length, 0]),
    extra,
    Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]),
    Buffer.alloc(8),
  ])
}

/** A blob of `body` followed by `tail`, as parseFooter sees it (tail window and head). */
function parse(body: Buffer, tail: Buffer): ReturnType<typeof parseFooter> {
  const blob = Buffer.concat([body, tail])
  return parseFooter(blob.subarray(Math.max(0, blob.length - 4096)), blob.subarray(0, 4), blob.length)
}

const data = gzipSync(Buffer.alloc(10_000, 'x'))

describe('parseFooter', () => {
  test('reads the TOC offset of the captured layers', async () => {
    for (const [name, tocOffset] of [
      ['esgz', 1445580],
      ['esgz-chunk64k', 1463053],
    ] as const) {
      const blob = await fixture(name)
      expect(parseFooter(blob.subarray(-4096), blob.subarray(0, 4), blob.length)).toEqual({
        kind: 'estargz',
        tocOffset,
        footerOffset: blob.length - 51,
      })
    }
  })

  test('the footer layout is 51 bytes', () => {
    expect(footer(0).length).toBe(51)
    expect(legacyFooter(0).length).toBe(47)
  })

  test('a hand-made footer after some data', () => {
    expect(parse(data, footer(7))).toEqual({ kind: 'estargz', tocOffset: 7, footerOffset: data.length })
  })

  test('upper-case hex digits are accepted', () => {
    expect(parse(data, footer(0x0a, '000000000000000ASTARGZ'))).toMatchObject({
      kind: 'estargz',
      tocOffset: 10,
    })
  })

  test('legacy stargz (47 bytes, no SG subfield)', () => {
    expect(parse(data, legacyFooter(9))).toEqual({
      kind: 'legacy-stargz',
      tocOffset: 9,
      footerOffset: data.length,
    })
  })

  test('a plain gzip blob is not eStargz', async () => {
    const blob = await fixture('plain')
    const facts = parseFooter(blob.subarray(-4096), blob.subarray(0, 4), blob.length)
    expect(facts).toMatchObject({ kind: 'not-estargz' })
    expect(facts.kind === 'not-estargz' && facts.reason).toMatch(/^no eStargz footer: the last 51 bytes/)
  })

  test('something that is not gzip at all', () => {
    const facts = parse(
      Buffer.from('just text, no gzip here; long enough to hold a footer......'),
      Buffer.alloc(0),
    )
    expect(facts).toEqual({
      kind: 'not-estargz',
      reason: 'the blob is not gzip at all (it starts with 6a 75 73 74)',
    })
  })

  test('an empty blob', () => {
    expect(parseFooter(Buffer.alloc(0), Buffer.alloc(0), 0)).toMatchObject({ kind: 'not-estargz' })
  })

  test('the SG subfield without the STARGZ magic is a damaged footer', () => {
    expect(parse(data, footer(7, '0000000000000007STARGX'))).toEqual({
      kind: 'corrupt',
      reason: `eStargz footer at offset ${data.length}: subfield 'SG' is "0000000000000007STARGX", not 16 hex digits + 'STARGZ'`,
    })
  })

  test('a footer whose gzip member is not empty', () => {
    const broken = footer(7)
    broken[broken.length - 4] = 1 // ISIZE 1
    const facts = parse(data, broken)
    expect(facts.kind === 'corrupt' && facts.reason).toMatch(/its gzip member does not decode/)
  })

  test('a footer cut short', () => {
    const facts = parse(data, footer(7).subarray(0, 40))
    expect(facts).toEqual({
      kind: 'corrupt',
      reason:
        `truncated eStargz footer: a footer starts at offset ${data.length} but the blob ends 40 bytes later ` +
        `(a footer is 51 bytes; the blob is ${data.length + 40} bytes)`,
    })
  })

  test('a footer followed by junk', () => {
    const facts = parse(data, Buffer.concat([footer(7), Buffer.alloc(100)]))
    expect(facts.kind === 'corrupt' && facts.reason).toMatch(
      new RegExp(
        `^misplaced eStargz footer: a footer starts at offset ${data.length}, but 100 bytes follow it`,
      ),
    )
  })

  test('a TOC offset at or past the footer', () => {
    const facts = parse(data, footer(data.length))
    expect(facts.kind === 'corrupt' && facts.reason).toMatch(
      /the TOC offset \d+ \(0x[0-9a-f]{16}\) points outside/,
    )
  })

  test('a TOC offset beyond what a JavaScript number holds exactly', () => {
    const facts = parse(data, footer(0, 'ffffffffffffffffSTARGZ'))
    expect(facts.kind === 'corrupt' && facts.reason).toMatch(
      /the TOC offset 18446744073709551615 .* points outside/,
    )
  })
})
