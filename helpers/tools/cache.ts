// Source 2: the cache entry <cacheDir>/tools/<tool>/<version>. Also how a download or build lands there:
// everything is written to a staging directory first and moved into place with one rename, so an
// interrupted build never leaves a half-written binary that a later run would take for a cache hit.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ResolvedBinary, ToolSpec } from './catalog.ts'
import { sha256File } from './checksum.ts'
import type { ToolLayout } from './layout.ts'
import { probeVersion } from './probe.ts'
import type { Attempt, Found, ToolSource } from './types.ts'
import { versionLine } from './version-match.ts'

/** tool.json beside bin/: how the entry was made. */
export interface ToolMeta {
  tool: string
  version: string
  source: Extract<ToolSource, 'download' | 'build'>
  obtainedAt: string
  detail: string
  /** sha256 of each binary as installed */
  sha256: Record<string, string>
  /** builds from this repository's own sources (the stargz wrapper): hash of those sources */
  sourceHash?: string
}

export async function readMeta(layout: ToolLayout): Promise<ToolMeta | undefined> {
  try {
    return JSON.parse(await readFile(layout.meta, 'utf8')) as ToolMeta
  } catch {
    return undefined
  }
}

export interface CacheExpectation {
  /** the version the entry is for (picks the version line to report) */
  version: string
  /** when set, a cached *build* must have been made from these sources */
  sourceHash?: string
}

export async function fromCache(
  spec: ToolSpec,
  binaries: readonly ResolvedBinary[],
  layout: ToolLayout,
  expect: CacheExpectation,
): Promise<Attempt> {
  const all: Record<string, string> = {}
  for (const b of binaries) {
    const p = path.join(layout.binDir, b.name)
    if (existsSync(p)) all[b.name] = p
    else if (!b.optional) return { skipped: `${p} does not exist` }
  }
  const meta = await readMeta(layout)
  if (expect.sourceHash && meta?.source === 'build' && meta.sourceHash !== expect.sourceHash)
    return { skipped: `${layout.root} was built from other sources than the ones in this checkout` }
  const primary = binaries[0]
  if (!primary) return { skipped: 'no binaries listed' }
  const probe = await probeVersion(all[primary.name]!, spec.versionArgs)
  if (!probe.ok)
    return { skipped: `cached ${primary.name} does not start: ${versionLine(probe.output, expect.version)}` }
  const how = meta ? `${meta.source} ${meta.obtainedAt.slice(0, 10)}: ${meta.detail}` : 'no tool.json'
  return {
    found: {
      binaries: all,
      detail: `${layout.root} (${how})`,
      versionOutput: versionLine(probe.output, expect.version),
    },
  }
}

/** A fresh, empty staging directory with bin/ in it. */
export async function prepareStaging(layout: ToolLayout): Promise<string> {
  await rm(layout.staging, { recursive: true, force: true })
  const bin = path.join(layout.staging, 'bin')
  await mkdir(bin, { recursive: true })
  return bin
}

/**
 * Moves what a download or build left in staging into the cache entry, writes tool.json, and returns
 * the binaries at their final paths. Whatever was at the entry before (a failed build's leftovers, a
 * dangling symlink) is replaced.
 */
export async function commitStaging(
  layout: ToolLayout,
  found: Found,
  meta: Omit<ToolMeta, 'sha256' | 'obtainedAt'>,
): Promise<Record<string, string>> {
  const sha256: Record<string, string> = {}
  const finalPaths: Record<string, string> = {}
  for (const [name, staged] of Object.entries(found.binaries)) {
    const rel = path.relative(layout.staging, staged)
    if (rel.startsWith('..'))
      throw new Error(`${staged} is not inside the staging directory ${layout.staging}`)
    await chmod(staged, 0o755)
    sha256[name] = await sha256File(staged)
    finalPaths[name] = path.join(layout.root, rel)
  }
  const full: ToolMeta = { ...meta, obtainedAt: new Date().toISOString(), sha256 }
  await writeFile(path.join(layout.staging, 'tool.json'), JSON.stringify(full, null, 2) + '\n')
  await rm(layout.root, { recursive: true, force: true })
  await mkdir(path.dirname(layout.root), { recursive: true })
  await rename(layout.staging, layout.root)
  return finalPaths
}

export async function discardStaging(layout: ToolLayout): Promise<void> {
  await rm(layout.staging, { recursive: true, force: true })
}
