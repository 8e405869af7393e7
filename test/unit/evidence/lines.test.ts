import { describe, expect, test } from 'vitest'
import { Readable } from 'node:stream'
import { eachLine, lines, textLines } from '../../../helpers/evidence/lines.ts'

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const l of source) out.push(l)
  return out
}

describe('line sources', () => {
  test('a file path, read as a stream', async () => {
    const path = new URL('../../../fixtures/logs/stargz-journal-lazy-pull.txt', import.meta.url).pathname
    const all = await collect(lines(path))
    expect(all.length).toBeGreaterThan(20)
    expect(all[0]).toMatch(/^2026-11-27T20:56:38\+0000 node-a systemd\[1\]: Started/)
  })

  test('chunks split anywhere, even inside a UTF-8 character, with CRLF endings', async () => {
    const bytes = Buffer.from('première ligne\r\nzweite Zeile ü\nlast without newline', 'utf8')
    const chunks = [...bytes].map((b) => Buffer.from([b])) // one byte at a time
    expect(await collect(lines(chunks))).toEqual(['première ligne', 'zweite Zeile ü', 'last without newline'])
    expect(await collect(lines(Readable.from(['a\nb', '\r', '\nc\n'])))).toEqual(['a', 'b', 'c'])
  })

  test('lazy: a consumer that stops early does not drain the source', async () => {
    let produced = 0
    async function* endless(): AsyncGenerator<string> {
      for (;;) {
        produced++
        yield `line ${produced}\n`
      }
    }
    const first: string[] = []
    for await (const l of lines(endless())) {
      first.push(l)
      if (first.length === 3) break
    }
    expect(first).toEqual(['line 1', 'line 2', 'line 3'])
    expect(produced).toBeLessThan(100_000)
  })

  test('text in memory, and the parsers entry that accepts text or lines', async () => {
    expect(textLines('a\r\nb\n')).toEqual(['a', 'b'])
    expect(await collect(eachLine('x\ny'))).toEqual(['x', 'y'])
    expect(await collect(eachLine(['x', 'y']))).toEqual(['x', 'y'])
  })
})
