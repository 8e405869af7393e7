// Line sources for the evidence parsers. Logs can be gigabytes (a node's journal, a registry's
// `docker logs`), so nothing here reads a whole input into memory: node:readline splits a stream
// into lines as it arrives, and the parsers consume them one at a time.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'

/** What a parser accepts: lines already split, synchronously or as they arrive. */
export type LineInput = AsyncIterable<string> | Iterable<string>

/** What `lines()` accepts: a file path, a Node stream, or chunks of bytes or text. */
export type LineSource =
  string | Readable | AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array>

/**
 * Lines of a file (given by its path), a Readable or an async iterable of chunks, without the line
 * terminator (`\n` or `\r\n`). Chunk boundaries may fall anywhere, including inside a UTF-8 sequence.
 */
export async function* lines(source: LineSource): AsyncGenerator<string> {
  const input =
    typeof source === 'string'
      ? createReadStream(source)
      : source instanceof Readable
        ? source
        : Readable.from(source)
  // crlfDelay: Infinity treats \r\n as one break even when \r and \n arrive in different chunks.
  const reader = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of reader) yield line
  } finally {
    reader.close()
    // A consumer that stops early must not leave a file descriptor open.
    if (typeof source === 'string') input.destroy()
  }
}

/** Lines of a text held in memory (a small capture, a test): the same splitting rules as `lines()`. */
export function textLines(text: string): string[] {
  const out = text.split(/\r?\n/)
  if (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out
}

/**
 * The parsers' entry: accepts split lines, or (for convenience) a whole text as one string, which is
 * split here rather than iterated character by character.
 */
export async function* eachLine(input: LineInput | string): AsyncGenerator<string> {
  if (typeof input === 'string') {
    yield* textLines(input)
    return
  }
  for await (const line of input) yield line
}
