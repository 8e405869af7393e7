// Source 4, Go: build a command of a published module in a throwaway module (see go-mod.ts).
//   go mod download -json <module>@<version>     → the module's Dir and go.mod in the module cache
//   write go.mod (require it; of its local replaces, take the ones upstream also publishes at their
//     published version (goPublished), stub the others), copy its go.sum; when the catalog leaves
//     files out (goLeaveOut), build from a writable copy of the module without them
//   go get <module>@<version>                    → the full requirement graph, hashes checked
//   go build -trimpath -ldflags '-s -w -X …' -o <staging>/bin/<name> <module>/<pkg>   (one per binary)
// The command builders are pure; buildGoModule runs them.
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { ResolvedBinary } from './catalog.ts'
import { parseGoMod, renderGoMod, renderStubGoMod, type ThrowawayModule } from './go-mod.ts'
import { runStep, type CommandStep } from './steps.ts'
import type { Log } from './types.ts'

/**
 * Environment of every Go step: static binaries (CGO_ENABLED=0: they run in any node image and need
 * no C headers; `cgo` only for tools that cannot do without, linked statically, see goLdflags) and no
 * toolchain switch surprises from GOFLAGS set elsewhere. The module proxy is the environment's business:
 * a GOPROXY in `processEnv` is passed on, otherwise none is set and go uses its own default (this code
 * names no registry host).
 */
export function goEnv(
  processEnv: NodeJS.ProcessEnv,
  goflags = '-mod=mod',
  cgo = false,
): Record<string, string> {
  return {
    ...(processEnv.GOPROXY ? { GOPROXY: processEnv.GOPROXY } : {}),
    GOFLAGS: goflags,
    CGO_ENABLED: cgo ? '1' : '0',
  }
}

/** `staticCgo`: the external linker links the C parts statically too (no libseccomp.so at run time). */
export function goLdflags(versionVars: Record<string, string>, staticCgo = false): string {
  return [
    '-s',
    '-w',
    ...Object.entries(versionVars).map(([k, v]) => `-X ${k}=${v}`),
    ...(staticCgo ? ['-extldflags', '-static'] : []),
  ].join(' ')
}

export function goDownloadStep(
  module: string,
  version: string,
  cwd: string,
  env: Record<string, string>,
): CommandStep {
  return {
    title: `fetch ${module}@${version}`,
    file: 'go',
    args: ['mod', 'download', '-json', `${module}@${version}`],
    env,
    cwd,
    timeoutMs: 20 * 60_000,
  }
}

export function goGetStep(
  module: string,
  version: string,
  cwd: string,
  env: Record<string, string>,
): CommandStep {
  return {
    title: `resolve dependencies of ${module}@${version}`,
    file: 'go',
    args: ['get', `${module}@${version}`],
    env,
    cwd,
    timeoutMs: 30 * 60_000,
  }
}

export interface GoBuildTarget {
  /** import path of the main package */
  pkg: string
  out: string
  tags: string[]
  ldflags: string
}

export function goBuildStep(target: GoBuildTarget, cwd: string, env: Record<string, string>): CommandStep {
  return {
    title: `go build ${path.basename(target.out)}`,
    file: 'go',
    args: [
      'build',
      '-trimpath',
      ...(target.tags.length > 0 ? ['-tags', target.tags.join(',')] : []),
      '-ldflags',
      target.ldflags,
      '-o',
      target.out,
      target.pkg,
    ],
    env,
    cwd,
    timeoutMs: 60 * 60_000,
  }
}

/** The build targets of a 'go' recipe: every non-optional binary, from its package in the module. */
export function goTargets(
  module: string,
  binaries: readonly ResolvedBinary[],
  binDir: string,
  versionVars: Record<string, string>,
  staticCgo = false,
): GoBuildTarget[] {
  return binaries
    .filter((b) => !b.optional)
    .map((b) => ({
      pkg: b.goPackage ? `${module}/${b.goPackage}` : module,
      out: path.join(binDir, b.name),
      tags: b.goTags,
      ldflags: goLdflags(versionVars, staticCgo),
    }))
}

/**
 * The upstream go.mod's local replaces, split: those upstream also publishes (`published` gives their
 * version) are taken from the proxy at that version, the rest get empty stubs.
 */
export function splitLocalReplaces(
  localReplaces: readonly { path: string; version?: string }[],
  version: string,
  published?: (modulePath: string, version: string) => string | undefined,
): Required<Pick<ThrowawayModule, 'stubs' | 'published'>> {
  const out: Required<Pick<ThrowawayModule, 'stubs' | 'published'>> = { stubs: [], published: [] }
  for (const r of localReplaces) {
    const v = published?.(r.path, version)
    if (v) out.published.push({ path: r.path, version: v })
    else out.stubs.push({ ...r, dir: `stub-${out.stubs.length}` })
  }
  return out
}

/** Copies a (read-only) module cache entry, writable, without the given files; each must exist. */
export async function copyWithout(from: string, to: string, leaveOut: readonly string[]): Promise<string> {
  await rm(to, { recursive: true, force: true })
  await cp(from, to, { recursive: true })
  const writable = async (dir: string): Promise<void> => {
    await chmod(dir, 0o755)
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) await writable(p)
      else if (e.isFile()) await chmod(p, 0o644)
    }
  }
  await writable(to)
  for (const rel of leaveOut) {
    const file = path.join(to, rel)
    if (!existsSync(file))
      throw new Error(`${rel} is not in ${from}: update goLeaveOut in helpers/tools/catalog.ts`)
    await rm(file)
  }
  return to
}

interface ModuleDownload {
  Dir?: string
  GoMod?: string
  Error?: string
}

export interface GoModuleBuild {
  tool: string
  module: string
  version: string
  binaries: readonly ResolvedBinary[]
  versionVars: Record<string, string>
  /** files of the upstream module to leave out (catalog goLeaveOut) */
  leaveOut: readonly string[]
  /** catalog goPublished */
  published?: (modulePath: string, version: string) => string | undefined
  /** catalog goStaticCgo */
  staticCgo?: boolean
  /** the throwaway module's directory */
  buildDir: string
  binDir: string
  processEnv: NodeJS.ProcessEnv
  log: Log
  logFile: string
}

/** Runs the recipe; returns the built binaries by name. */
export async function buildGoModule(
  b: GoModuleBuild,
): Promise<{ binaries: Record<string, string>; detail: string }> {
  const env = goEnv(b.processEnv, '-mod=mod', b.staticCgo ?? false)
  const step = { log: b.log, logFile: b.logFile }
  // `go mod download` runs beside, not inside, the throwaway module (no go.mod up the tree there).
  const outside = path.dirname(b.buildDir)
  await mkdir(b.buildDir, { recursive: true })
  const dl = await runStep(goDownloadStep(b.module, b.version, outside, env), step)
  const info = JSON.parse(dl.stdout) as ModuleDownload
  if (info.Error || !info.Dir || !info.GoMod)
    throw new Error(`go mod download ${b.module}@${b.version}: ${info.Error}`)
  const upstream = parseGoMod(await readFile(info.GoMod, 'utf8'))
  const goVersion = upstream.goVersion ?? '1.22'
  const { stubs, published } = splitLocalReplaces(upstream.localReplaces, b.version, b.published)
  for (const s of stubs) {
    await mkdir(path.join(b.buildDir, s.dir), { recursive: true })
    await writeFile(path.join(b.buildDir, s.dir, 'go.mod'), renderStubGoMod(s.path, goVersion))
  }
  const localCopy =
    b.leaveOut.length > 0
      ? await copyWithout(info.Dir, path.join(b.buildDir, 'upstream'), b.leaveOut)
      : undefined
  const name = `d7y-conformance/build/${b.tool}`
  await writeFile(
    path.join(b.buildDir, 'go.mod'),
    renderGoMod({
      name,
      goVersion,
      require: { path: b.module, version: b.version },
      stubs,
      published,
      ...(localCopy ? { localCopy: 'upstream' } : {}),
    }),
  )
  const upstreamSum = path.join(info.Dir, 'go.sum')
  if (existsSync(upstreamSum)) {
    // The module cache is read-only; `go get` must be able to add to the copy.
    await copyFile(upstreamSum, path.join(b.buildDir, 'go.sum'))
    await chmod(path.join(b.buildDir, 'go.sum'), 0o644)
  }
  await runStep(goGetStep(b.module, b.version, b.buildDir, env), step)

  const targets = goTargets(b.module, b.binaries, b.binDir, b.versionVars, b.staticCgo ?? false)
  const binaries: Record<string, string> = {}
  for (const t of targets) {
    await runStep(goBuildStep(t, b.buildDir, env), step)
    binaries[path.basename(t.out)] = t.out
  }
  const pkgs = targets.map((t) => t.pkg.slice(b.module.length + 1) || '.').join(', ')
  const without = b.leaveOut.length > 0 ? `, without ${b.leaveOut.join(', ')}` : ''
  const staging =
    published.length > 0 ? `, ${published.length} in-tree modules at their published version` : ''
  const cgo = b.staticCgo ? 'CGO_ENABLED=1 linked statically' : 'CGO_ENABLED=0'
  return {
    binaries,
    detail: `go build ${b.module}@${b.version} (${pkgs}${without}${staging}) in throwaway module ${b.buildDir}, ${cgo}`,
  }
}
