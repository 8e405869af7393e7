import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import type { ResolvedBinary } from '../../../helpers/tools/catalog.ts'
import { ChecksumMismatchError } from '../../../helpers/tools/checksum.ts'
import { downloadBlocker, fromDownload, type FetchLike } from '../../../helpers/tools/download.ts'
import { tarGz, tempDir } from './fixtures.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

function bin(name: string, member: string | undefined, optional = false): ResolvedBinary {
  return { name, member, goPackage: '', goTags: [], optional }
}

/** A fetch that serves one body and counts its calls. */
function fakeFetch(body: Buffer | Error): FetchLike & { calls: string[] } {
  const calls: string[] = []
  const f = async (url: string): Promise<Response> => {
    calls.push(url)
    if (body instanceof Error) throw body
    return new Response(new Uint8Array(body))
  }
  return Object.assign(f, { calls })
}

async function dirs(): Promise<{ binDir: string; downloadsDir: string }> {
  const root = await tempDir()
  const binDir = path.join(root, 'staging', 'bin')
  await mkdir(binDir, { recursive: true })
  return { binDir, downloadsDir: path.join(root, 'downloads') }
}

const URL_ = 'https://example.invalid/releases/tool-1.0.0-linux-amd64.tar.gz'

describe('release download', () => {
  test("a 'PENDING' checksum never downloads", async () => {
    const fetch = fakeFetch(Buffer.from('x'))
    const a = await fromDownload({
      artifact: { url: URL_, sha256: 'PENDING', member: 'tool' },
      version: 'v1.0.0',
      pinnedVersion: 'v1.0.0',
      binaries: [bin('tool', 'tool')],
      ...(await dirs()),
      fetch,
    })
    expect(a).toEqual({ skipped: expect.stringContaining('PENDING') })
    expect(fetch.calls).toEqual([])
  })

  test('an overridden version never downloads the pinned artifact', () => {
    expect(downloadBlocker({ url: URL_, sha256: 'a'.repeat(64) }, 'v1.1.0', 'v1.0.0')).toMatch(/override/)
    expect(downloadBlocker(undefined, 'v1', 'v1')).toMatch(/no release/)
    expect(downloadBlocker({ url: URL_, sha256: 'a'.repeat(64) }, 'v1.0.0', 'v1.0.0')).toBeUndefined()
  })

  test('a refused connection is a reason to move on, not an error', async () => {
    const fetch = fakeFetch(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') }))
    const a = await fromDownload({
      artifact: { url: URL_, sha256: 'a'.repeat(64), member: 'tool' },
      version: 'v1.0.0',
      pinnedVersion: 'v1.0.0',
      binaries: [bin('tool', 'tool')],
      ...(await dirs()),
      fetch,
    })
    expect(a).toEqual({ skipped: expect.stringMatching(/network refused .*ENOTFOUND/) })
    expect(fetch.calls).toHaveLength(1)
  })

  test('a checksum mismatch is rejected and leaves nothing behind', async () => {
    const archive = await tarGz({ tool: 'payload' })
    const d = await dirs()
    const err = await fromDownload({
      artifact: { url: URL_, sha256: 'b'.repeat(64), member: 'tool' },
      version: 'v1.0.0',
      pinnedVersion: 'v1.0.0',
      binaries: [bin('tool', 'tool')],
      ...d,
      fetch: fakeFetch(archive),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChecksumMismatchError)
    expect(await readdir(d.downloadsDir)).toEqual([])
    expect(await readdir(d.binDir)).toEqual([])
  })

  test('a verified archive yields its members, found by path or by a unique file name', async () => {
    const archive = await tarGz({
      'bin/containerd': 'ctrd',
      'bin/ctr': 'ctr',
      'dragonfly-client-v1.5.0/dfdaemon': 'daemon',
    })
    const d = await dirs()
    const fetch = fakeFetch(archive)
    const req = {
      artifact: { url: URL_, sha256: sha(archive), member: 'bin/containerd' },
      version: 'v1.0.0',
      pinnedVersion: 'v1.0.0',
      binaries: [bin('containerd', 'bin/containerd'), bin('ctr', 'bin/ctr'), bin('dfdaemon', 'dfdaemon')],
      ...d,
      fetch,
    }
    const a = await fromDownload(req)
    expect('found' in a && a.found.binaries).toEqual({
      containerd: path.join(d.binDir, 'containerd'),
      ctr: path.join(d.binDir, 'ctr'),
      dfdaemon: path.join(d.binDir, 'dfdaemon'),
    })
    expect(await readFile(path.join(d.binDir, 'dfdaemon'), 'utf8')).toBe('daemon')
    // The verified archive is kept and reused without fetching again.
    const again = await fromDownload(req)
    expect('found' in again && again.found.detail).toMatch(/cached archive/)
    expect(fetch.calls).toHaveLength(1)
  })

  test('a missing optional member is fine, a missing required one names what is there', async () => {
    const archive = await tarGz({ 'containerd-stargz-grpc': 'x' })
    const d = await dirs()
    const base = {
      artifact: { url: URL_, sha256: sha(archive), member: 'containerd-stargz-grpc' },
      version: 'v1.0.0',
      pinnedVersion: 'v1.0.0',
      ...d,
      fetch: fakeFetch(archive),
    }
    const ok = await fromDownload({
      ...base,
      binaries: [
        bin('containerd-stargz-grpc', 'containerd-stargz-grpc'),
        bin('ctr-remote', 'ctr-remote', true),
      ],
    })
    expect('found' in ok && Object.keys(ok.found.binaries)).toEqual(['containerd-stargz-grpc'])
    await expect(
      fromDownload({
        ...base,
        binaries: [bin('containerd-stargz-grpc', 'containerd-stargz-grpc'), bin('ctr-remote', 'ctr-remote')],
      }),
    ).rejects.toThrow(/archive has no ctr-remote; its files: containerd-stargz-grpc/)
  })

  test('a download that is the binary itself is copied as is', async () => {
    const body = Buffer.from('#!/bin/sh\necho kind v0.29.0\n')
    const d = await dirs()
    const a = await fromDownload({
      artifact: { url: 'https://example.invalid/kind-linux-amd64', sha256: sha(body) },
      version: 'v0.29.0',
      pinnedVersion: 'v0.29.0',
      binaries: [bin('kind', undefined)],
      ...d,
      fetch: fakeFetch(body),
    })
    expect('found' in a).toBe(true)
    expect(existsSync(path.join(d.binDir, 'kind'))).toBe(true)
  })
})
