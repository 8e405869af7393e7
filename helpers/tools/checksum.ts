// sha256 of downloads: computed while streaming, checked against the pinned value, and a mismatch
// is an error (never a reason to try the next source: a wrong pin or a tampered artifact needs a person).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError'
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 mismatch for ${what}: expected ${expected}, got ${actual}`)
  }
}

/** A real pin is 64 hex digits; 'PENDING' (or anything else) means: do not download. */
export function isPinnedSha256(sha256: string): boolean {
  return /^[0-9a-f]{64}$/i.test(sha256)
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Throws ChecksumMismatchError unless the file's sha256 is `expected`; returns the digest. */
export async function verifySha256(file: string, expected: string): Promise<string> {
  if (!isPinnedSha256(expected)) throw new Error(`not a sha256 checksum: ${JSON.stringify(expected)}`)
  const actual = await sha256File(file)
  if (actual !== expected.toLowerCase()) throw new ChecksumMismatchError(file, expected.toLowerCase(), actual)
  return actual
}
