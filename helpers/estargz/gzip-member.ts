// Walks gzip members one by one at known file offsets. Node's Gunzip hides member boundaries and drops
// the last output of a member whose CRC fails, so a damaged chunk would surface as "incorrect data
// check" instead of a chunk digest mismatch. Here the header is parsed by hand, the deflate data goes
// through InflateRaw (which tells how many input bytes it used) and the trailer is checked afterwards,
// so the consumer sees every decoded byte before any CRC verdict.
import type { FileHandle } from 'node:fs/promises'
import { crc32, createInflateRaw } from 'node:zlib'
import { PIECE_SIZE, readAt, readRange } from './blob-file.ts'
import { EstargzInvalid, invalid } from './errors.ts'
import { parseGzipHeader } from './gzip-header.ts'

const TRAILER_SIZE = 8

export interface GzipMember {
  start: number
  /** first byte after the trailer */
  end: number
  uncompressedSize: number
}

/** Receives decoded bytes in order; may throw an EstargzInvalid to stop the walk. */
export type MemberSink = (piece: Buffer) => void | Promise<void>

/** Decodes the member starting at `start`, which must end at or before `limit`. */
export async function inflateMember(
  fh: FileHandle,
  start: number,
  limit: number,
  sink: MemberSink,
): Promise<GzipMember> {
  const first = await readAt(fh, start, Math.min(PIECE_SIZE, limit - start))
  const parsed = parseGzipHeader(first)
  if (parsed.kind === 'invalid') invalid(`no gzip member starts at offset ${start}: ${parsed.problem}`)
  if (parsed.kind === 'incomplete') {
    invalid(`the gzip header at offset ${start} is cut off at offset ${start + first.length}`)
  }
  const dataStart = start + parsed.header.length

  async function* compressed(stop: () => boolean): AsyncGenerator<Buffer> {
    const rest = first.subarray(dataStart - start)
    if (rest.length > 0) yield rest
    yield* readRange(fh, start + first.length, limit, { stop })
  }
  let crc = 0
  let size = 0
  let deflateLength: number
  try {
    deflateLength = await inflateRaw(compressed, async (piece) => {
      crc = crc32(piece, crc)
      size += piece.length
      await sink(piece)
    })
  } catch (error) {
    if (error instanceof EstargzInvalid) throw error
    const zlibError = error as NodeJS.ErrnoException
    if (zlibError.code === 'Z_BUF_ERROR') {
      invalid(`the gzip member at offset ${start} does not end before offset ${limit} (${zlibError.message})`)
    }
    if (zlibError.code?.startsWith('Z_')) {
      invalid(`the gzip member at offset ${start} has corrupt deflate data (zlib: ${zlibError.message})`)
    }
    throw error
  }

  const trailerAt = dataStart + deflateLength
  if (trailerAt + TRAILER_SIZE > limit) {
    invalid(
      `the gzip member at offset ${start}: its 8-byte trailer at ${trailerAt} runs past offset ${limit}`,
    )
  }
  const trailer = await readAt(fh, trailerAt, TRAILER_SIZE)
  const wantCrc = trailer.readUInt32LE(0)
  const wantSize = trailer.readUInt32LE(4)
  if (wantCrc !== crc >>> 0) {
    invalid(
      `the gzip member at offset ${start}: CRC32 of its ${size} decoded bytes is ${hex32(crc)}, ` +
        `its trailer at ${trailerAt} says ${hex32(wantCrc)}`,
    )
  }
  if (wantSize !== size % 2 ** 32) {
    invalid(
      `the gzip member at offset ${start} decodes to ${size} bytes, its trailer says ${wantSize} (mod 2^32)`,
    )
  }
  return { start, end: trailerAt + TRAILER_SIZE, uncompressedSize: size }
}

export interface MemberRun {
  members: number
  uncompressedSize: number
}

/** Decodes the members that exactly fill [start, end), in order, into one sink. */
export async function inflateMembers(
  fh: FileHandle,
  start: number,
  end: number,
  sink: MemberSink,
): Promise<MemberRun> {
  const run: MemberRun = { members: 0, uncompressedSize: 0 }
  for (let pos = start; pos < end;) {
    const member = await inflateMember(fh, pos, end, sink)
    run.members++
    run.uncompressedSize += member.uncompressedSize
    pos = member.end
  }
  return run
}

/**
 * Feeds raw deflate data to zlib and hands the output to `sink` with backpressure; returns how many
 * input bytes the deflate stream used (the input may run on past its end). Written by hand because
 * stream.pipeline aborts when InflateRaw ends before its input does.
 */
async function inflateRaw(
  input: (stop: () => boolean) => AsyncIterable<Buffer>,
  sink: (piece: Buffer) => Promise<void>,
): Promise<number> {
  const inflater = createInflateRaw()
  const closed = new Promise<void>((resolve) => inflater.once('close', resolve))
  let ended = false
  inflater.once('end', () => (ended = true))
  const feed = async (): Promise<void> => {
    for await (const piece of input(() => ended || inflater.destroyed)) {
      if (ended || inflater.destroyed) return
      const written = new Promise<void>((resolve, reject) =>
        inflater.write(piece, (error) => (error ? reject(error) : resolve())),
      )
      await Promise.race([written, closed])
    }
    if (!ended && !inflater.destroyed) inflater.end()
  }
  const consume = async (): Promise<void> => {
    for await (const piece of inflater) await sink(piece as Buffer)
  }
  try {
    await Promise.all([feed(), consume()])
    return inflater.bytesWritten
  } finally {
    inflater.destroy()
  }
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`
}
