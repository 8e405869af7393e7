// Positioned, bounded reads of a blob on disk. Layers can be hundreds of MiB: nothing here holds more
// than one piece in memory.
import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

export const PIECE_SIZE = 256 * 1024

/** Reads `length` bytes at `position`; shorter only when the file ends first. */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length))
  let filled = 0
  while (filled < buffer.length) {
    const { bytesRead } = await fh.read(buffer, filled, buffer.length - filled, position + filled)
    if (bytesRead === 0) break
    filled += bytesRead
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled)
}

/**
 * The bytes of [start, end) in pieces of at most `pieceSize`. `stop` is asked before each further read,
 * so a consumer that has what it needs doesn't pay for the rest of the range.
 */
export async function* readRange(
  fh: FileHandle,
  start: number,
  end: number,
  { pieceSize = PIECE_SIZE, stop }: { pieceSize?: number; stop?: () => boolean } = {},
): AsyncGenerator<Buffer> {
  for (let pos = start; pos < end && !stop?.();) {
    const piece = await readAt(fh, pos, Math.min(pieceSize, end - pos))
    if (piece.length === 0) return
    pos += piece.length
    yield piece
  }
}

/** "sha256:<hex>" of the whole file, streamed. */
export async function sha256OfFile(fh: FileHandle): Promise<string> {
  const { size } = await fh.stat()
  const hash = createHash('sha256')
  for await (const piece of readRange(fh, 0, size, { pieceSize: 1024 * 1024 })) hash.update(piece)
  return `sha256:${hash.digest('hex')}`
}
