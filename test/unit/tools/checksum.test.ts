import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  ChecksumMismatchError,
  isPinnedSha256,
  sha256File,
  verifySha256,
} from '../../../helpers/tools/checksum.ts'
import { tempDir } from './fixtures.ts'

// sha256("hello\n")
const HELLO = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'

describe('sha256 verification', () => {
  test('computes the digest of a file', async () => {
    const f = path.join(await tempDir(), 'a')
    await writeFile(f, 'hello\n')
    expect(await sha256File(f)).toBe(HELLO)
    expect(await verifySha256(f, HELLO.toUpperCase())).toBe(HELLO)
  })

  test('rejects a mismatch with both digests in the message', async () => {
    const f = path.join(await tempDir(), 'a')
    await writeFile(f, 'hello, tampered\n')
    const err = await verifySha256(f, HELLO).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChecksumMismatchError)
    expect((err as ChecksumMismatchError).expected).toBe(HELLO)
    expect((err as Error).message).toContain(HELLO)
  })

  test("'PENDING' is not a checksum", async () => {
    expect(isPinnedSha256('PENDING')).toBe(false)
    expect(isPinnedSha256('')).toBe(false)
    expect(isPinnedSha256(HELLO)).toBe(true)
    const f = path.join(await tempDir(), 'a')
    await writeFile(f, 'hello\n')
    await expect(verifySha256(f, 'PENDING')).rejects.toThrow(/not a sha256/)
  })
})
