// Source 4, the suite's own Go entry point around an upstream library (tools/stargz-grpc: the
// stargz-snapshotter cmd module is not served by the Go proxy, its root module is). The sources are
// copied out of the checkout into the build directory, so a build never writes into the repository;
// their hash goes into tool.json, so editing them invalidates the cached binary.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { appendFile, chmod, copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { goBuildStep, goDownloadStep, goEnv, goLdflags } from './go-build.ts'
import { runStep } from './steps.ts'
import type { Log } from './types.ts'

/** Files of the wrapper that go into a build (no build outputs, no editor leftovers). */
function isSource(name: string): boolean {
  return name === 'go.mod' || name === 'go.sum' || (name.endsWith('.go') && !name.endsWith('_test.go'))
}

export async function wrapperSources(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter(isSource).sort()
}

/** sha256 over the wrapper's source files (names and contents). */
export async function wrapperSourceHash(dir: string): Promise<string> {
  const hash = createHash('sha256')
  for (const name of await wrapperSources(dir)) {
    hash.update(`${name}\0`)
    hash.update(await readFile(path.join(dir, name)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** The version of `module` the wrapper's go.mod requires, if it does. */
export function requiredVersion(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1]
}

/**
 * What `go get` moves to another version of the library: the module and its companion modules that
 * are released with it under the same tag (stargz-snapshotter/estargz), where the wrapper requires them.
 */
export function companionGets(goMod: string, module: string, version: string): string[] {
  const paths = [...goMod.matchAll(/^\s*(?:require\s+)?(\S+)\s+v\S+/gm)].map((m) => m[1]!)
  const companions = paths.filter((p) => p.startsWith(`${module}/`))
  return [module, ...new Set(companions)].map((p) => `${p}@${version}`)
}

export interface WrapperBuild {
  module: string
  version: string
  /** the wrapper's directory in the checkout */
  sourceDir: string
  buildDir: string
  /** the binary to write */
  out: string
  processEnv: NodeJS.ProcessEnv
  log: Log
  logFile: string
}

export async function buildGoWrapper(b: WrapperBuild): Promise<{ detail: string; sourceHash: string }> {
  const sourceHash = await wrapperSourceHash(b.sourceDir)
  await rm(b.buildDir, { recursive: true, force: true })
  await mkdir(b.buildDir, { recursive: true })
  for (const name of await wrapperSources(b.sourceDir)) {
    await copyFile(path.join(b.sourceDir, name), path.join(b.buildDir, name))
    await chmod(path.join(b.buildDir, name), 0o644)
  }
  const step = { log: b.log, logFile: b.logFile }
  const goMod = await readFile(path.join(b.sourceDir, 'go.mod'), 'utf8')
  // The committed go.mod/go.sum are complete for the version they pin: build read-only. Another
  // version (D7Y_STARGZ_VERSION, or a pin moved in helpers/base/versions.ts) is resolved in the copy, with
  // that version's own go.sum added so its dependencies are checked against upstream's hashes.
  const override = requiredVersion(goMod, b.module) !== b.version
  const env = goEnv(b.processEnv, override ? '-mod=mod' : '-mod=readonly')
  if (override) {
    const dl = await runStep(goDownloadStep(b.module, b.version, path.dirname(b.buildDir), env), step)
    const dir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir
    const upstreamSum = dir ? path.join(dir, 'go.sum') : undefined
    if (upstreamSum && existsSync(upstreamSum))
      await appendFile(path.join(b.buildDir, 'go.sum'), await readFile(upstreamSum, 'utf8'))
    await runStep(
      {
        title: `move the wrapper to ${b.module}@${b.version}`,
        file: 'go',
        args: ['get', ...companionGets(goMod, b.module, b.version)],
        env,
        cwd: b.buildDir,
        timeoutMs: 30 * 60_000,
      },
      step,
    )
  }
  await runStep(
    goBuildStep({ pkg: '.', out: b.out, tags: [], ldflags: goLdflags({}) }, b.buildDir, env),
    step,
  )
  return {
    detail: `go build of ${path.basename(b.sourceDir)} (this repository's wrapper around ${b.module}@${b.version}), CGO_ENABLED=0`,
    sourceHash,
  }
}
