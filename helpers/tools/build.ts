// Source 4: build from package registries, by the pin's recipe ('go', 'go-wrapper', 'cargo', 'c'),
// into the staging directory. Prerequisites are checked first and named as packages to install.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ToolPin } from '../base/versions.ts'
import { buildC } from './c-build.ts'
import { cargoInstallStep } from './cargo-build.ts'
import type { ResolvedBinary, ToolSpec } from './catalog.ts'
import { buildGoModule } from './go-build.ts'
import { buildGoWrapper, wrapperSourceHash } from './go-wrapper-build.ts'
import type { ToolLayout } from './layout.ts'
import {
  cargoPrerequisites,
  describeMissing,
  goPrerequisites,
  missingPrerequisites,
  realProbe,
  type Probe,
} from './prerequisites.ts'
import { runStep } from './steps.ts'
import type { Attempt, Log } from './types.ts'

/** The repository root (helpers/tools/ is two levels down). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface BuildRequest {
  tool: string
  version: string
  pin: ToolPin
  spec: ToolSpec
  binaries: readonly ResolvedBinary[]
  layout: ToolLayout
  /** bin/ of the staging directory */
  binDir: string
  cacheDir: string
  log: Log
  processEnv?: NodeJS.ProcessEnv
  probe?: Probe
}

export interface BuildResult {
  attempt: Attempt
  /** set for builds of this repository's own sources */
  sourceHash?: string
}

export async function fromBuild(req: BuildRequest): Promise<BuildResult> {
  const recipe = req.pin.build
  if (!recipe) return { attempt: { skipped: 'no build recipe is pinned (release download only)' } }
  const probe = req.probe ?? realProbe
  const env = req.processEnv ?? process.env
  const common = { log: req.log, logFile: req.layout.log }
  const [primary] = req.binaries
  if (!primary) return { attempt: { skipped: 'no binaries listed' } }
  const toolchain =
    recipe.kind === 'cargo' ? cargoPrerequisites : recipe.kind === 'debian' ? [] : goPrerequisites
  const needs = [...toolchain, ...(req.spec.buildNeeds ?? [])]
  const missing = missingPrerequisites(needs, probe)
  if (missing.length > 0) return { attempt: { skipped: `cannot build: ${describeMissing(missing)}` } }

  switch (recipe.kind) {
    case 'go': {
      const r = await buildGoModule({
        tool: req.tool,
        module: recipe.module,
        version: req.version,
        binaries: req.binaries,
        versionVars: req.spec.goVersionVars?.(req.version) ?? {},
        leaveOut: req.spec.goLeaveOut ?? [],
        ...(req.spec.goPublished ? { published: req.spec.goPublished } : {}),
        staticCgo: req.spec.goStaticCgo ?? false,
        buildDir: req.layout.buildDir,
        binDir: req.binDir,
        processEnv: env,
        ...common,
      })
      return { attempt: { found: { binaries: r.binaries, detail: r.detail } } }
    }
    case 'go-wrapper': {
      const out = path.join(req.binDir, primary.name)
      const r = await buildGoWrapper({
        module: recipe.module,
        version: req.version,
        sourceDir: path.join(repoRoot, recipe.dir),
        buildDir: req.layout.buildDir,
        out,
        processEnv: env,
        ...common,
      })
      return {
        attempt: { found: { binaries: { [primary.name]: out }, detail: r.detail } },
        sourceHash: r.sourceHash,
      }
    }
    case 'cargo': {
      const root = path.dirname(req.binDir)
      const step = cargoInstallStep({
        crate: recipe.crate,
        version: req.version,
        bin: recipe.bin,
        root,
        cacheDir: req.cacheDir,
      })
      await runStep(step, common)
      return {
        attempt: {
          found: {
            binaries: { [primary.name]: path.join(req.binDir, recipe.bin) },
            detail: `cargo install --locked ${recipe.crate} ${req.version.replace(/^v/, '')} --bin ${recipe.bin} (relaxed release profile)`,
          },
        },
      }
    }
    case 'c': {
      const out = path.join(req.binDir, primary.name)
      const r = await buildC({
        module: recipe.module,
        moduleVersion: recipe.moduleVersion,
        file: recipe.file,
        version: req.version,
        ...(req.spec.cVersionIn ? { versionIn: req.spec.cVersionIn } : {}),
        workDir: path.dirname(req.layout.buildDir),
        out,
        processEnv: env,
        ...common,
      })
      return { attempt: { found: { binaries: { [primary.name]: out }, detail: r.detail } } }
    }
    case 'debian':
      return { attempt: { skipped: `Debian package ${recipe.package} is not installed by the suite` } }
  }
}

/** For go-wrapper recipes: the hash a cached build must carry (undefined for other recipes). */
export async function expectedSourceHash(pin: ToolPin): Promise<string | undefined> {
  if (pin.build?.kind !== 'go-wrapper') return undefined
  return wrapperSourceHash(path.join(repoRoot, pin.build.dir))
}
