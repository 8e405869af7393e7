// The order of sources: PATH, cache, download, build; the first hit wins and later ones never run.
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { toolLayout } from '../../../helpers/tools/layout.ts'
import { obtainTool, ToolUnavailableError, type SourceFn } from '../../../helpers/tools/obtain.ts'
import type { ToolSource } from '../../../helpers/tools/types.ts'
import type { ToolName } from '../../../helpers/base/versions.ts'
import { fakeBinary, tempDir } from './fixtures.ts'

const VERSIONS = {
  kind: 'v0.29.0',
  kubectl: 'v1.33.1',
  helm: 'v3.18.3',
  nerdctl: 'v2.1.3',
  containerd: 'v2.2.1',
  stargz: 'v0.19.1',
  scheduler: 'v2.5.1',
  dfdaemon: 'v1.5.0',
} as Record<ToolName, string>

async function config(): Promise<{ cacheDir: string; toolVersions: Record<ToolName, string> }> {
  return { cacheDir: await tempDir(), toolVersions: VERSIONS }
}

/** Fake sources that record which ran; the named one finds, the rest skip. */
function sources(
  hit: ToolSource | undefined,
  ran: ToolSource[],
  found: Record<string, string> = { nerdctl: '/somewhere/nerdctl' },
): Record<ToolSource, SourceFn> {
  const fn =
    (s: ToolSource): SourceFn =>
    async () => {
      ran.push(s)
      return s === hit ? { found: { binaries: found, detail: `from ${s}` } } : { skipped: `no ${s}` }
    }
  return { path: fn('path'), cache: fn('cache'), download: fn('download'), build: fn('build') }
}

describe('obtainTool: order of sources', () => {
  test('a PATH hit short-circuits everything else', async () => {
    const ran: ToolSource[] = []
    const t = await obtainTool('nerdctl', await config(), { sources: sources('path', ran) })
    expect(ran).toEqual(['path'])
    expect(t).toMatchObject({
      tool: 'nerdctl',
      version: 'v2.1.3',
      source: 'path',
      binary: '/somewhere/nerdctl',
    })
  })

  test('a cache hit short-circuits download and build', async () => {
    const ran: ToolSource[] = []
    const t = await obtainTool('nerdctl', await config(), { sources: sources('cache', ran) })
    expect(ran).toEqual(['path', 'cache'])
    expect(t.source).toBe('cache')
    expect(t.skipped).toEqual(['path: no path'])
  })

  test('nothing found: one error with every reason, in order', async () => {
    const ran: ToolSource[] = []
    const err = await obtainTool('nerdctl', await config(), { sources: sources(undefined, ran) }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ToolUnavailableError)
    // the cache is looked at again once the lock is held (another run may have filled it)
    expect(ran).toEqual(['path', 'cache', 'cache', 'download', 'build'])
    expect((err as ToolUnavailableError).reasons).toEqual([
      'path: no path',
      'cache: no cache',
      'download: no download',
      'build: no build',
    ])
  })

  test('a build lands in the cache entry with tool.json, and its binary is run', async () => {
    const cfg = await config()
    const layout = toolLayout(cfg.cacheDir, 'nerdctl', 'v2.1.3')
    const build: SourceFn = async (_req, stagingBin) => {
      const b = await fakeBinary(path.join(stagingBin, 'nerdctl'), 'nerdctl version v2.1.3')
      return { found: { binaries: { nerdctl: b }, detail: 'fake build' } }
    }
    const skip = async (): Promise<{ skipped: string }> => ({ skipped: 'not here' })
    const t = await obtainTool('nerdctl', cfg, {
      sources: { path: skip, cache: skip, download: skip, build },
    })
    expect(t.source).toBe('build')
    expect(t.binary).toBe(path.join(layout.binDir, 'nerdctl'))
    expect(t.versionOutput).toBe('nerdctl version v2.1.3')
    const meta = JSON.parse(await readFile(layout.meta, 'utf8')) as Record<string, unknown>
    expect(meta).toMatchObject({ tool: 'nerdctl', version: 'v2.1.3', source: 'build', detail: 'fake build' })
    expect(existsSync(layout.staging)).toBe(false)
    expect(existsSync(layout.lock)).toBe(false)

    // The next run takes it from the (real) cache source without building.
    const ran: ToolSource[] = []
    const again = await obtainTool('nerdctl', cfg, {
      env: { PATH: '' },
      sources: { download: sources(undefined, ran).download, build: sources(undefined, ran).build },
    })
    expect(again.source).toBe('cache')
    expect(again.detail).toContain('fake build')
    expect(ran).toEqual([])
  })

  test('a built binary that does not start is an error, not a result', async () => {
    const build: SourceFn = async (_req, stagingBin) => {
      const b = await fakeBinary(path.join(stagingBin, 'nerdctl'), 'x')
      await writeFile(b, '#!/bin/sh\nexit 3\n')
      return { found: { binaries: { nerdctl: b }, detail: 'broken build' } }
    }
    const skip = async (): Promise<{ skipped: string }> => ({ skipped: 'not here' })
    const cfg = await config()
    await expect(
      obtainTool('nerdctl', cfg, { sources: { path: skip, cache: skip, download: skip, build } }),
    ).rejects.toThrow(/built but does not start/)
    // nothing lands in the cache, no staging is left behind
    const layout = toolLayout(cfg.cacheDir, 'nerdctl', 'v2.1.3')
    expect(existsSync(layout.root)).toBe(false)
    expect(existsSync(layout.staging)).toBe(false)
  })
})

describe('obtainTool: the real PATH and cache sources', () => {
  test('PATH: taken when the version output names the pinned version', async () => {
    const dir = await tempDir()
    await fakeBinary(path.join(dir, 'nerdctl'), 'nerdctl version 2.1.3')
    const ran: ToolSource[] = []
    const s = sources(undefined, ran)
    const t = await obtainTool('nerdctl', await config(), {
      env: { PATH: dir },
      sources: { cache: s.cache, download: s.download, build: s.build },
    })
    expect(t).toMatchObject({
      source: 'path',
      binary: path.join(dir, 'nerdctl'),
      versionOutput: 'nerdctl version 2.1.3',
    })
    expect(ran).toEqual([])
  })

  test('PATH: another version is passed over with what it said', async () => {
    const dir = await tempDir()
    await fakeBinary(path.join(dir, 'containerd'), 'containerd github.com/containerd/containerd 1.6.20~ds1')
    const ran: ToolSource[] = []
    const s = sources('cache', ran, { containerd: '/c/containerd' })
    const t = await obtainTool('containerd', await config(), {
      env: { PATH: dir },
      sources: { cache: s.cache, download: s.download, build: s.build },
    })
    expect(t.source).toBe('cache')
    expect(t.skipped).toEqual([
      `path: ${path.join(dir, 'containerd')} is not v2.2.1 (it says "containerd github.com/containerd/containerd 1.6.20~ds1")`,
    ])
  })

  test('PATH: every binary of the tool must be there', async () => {
    const dir = await tempDir()
    await fakeBinary(
      path.join(dir, 'containerd'),
      'containerd github.com/containerd/containerd/v2 v2.2.1 abc',
    )
    const skipped: string[] = []
    const s = sources('cache', [], { containerd: '/c/containerd' })
    const t = await obtainTool('containerd', await config(), {
      env: { PATH: dir },
      sources: { cache: s.cache },
      log: (l) => skipped.push(l),
    })
    expect(t.source).toBe('cache')
    expect(t.skipped[0]).toMatch(/v2.2.1 but containerd-shim-runc-v2 is not on PATH/)
  })
})
