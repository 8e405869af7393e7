// The tool resolver: obtainTool(name, config) gives a binary of the asked-for version and says where
// it came from. Sources, first hit wins:
//   path      already installed, and its version output names the version
//   cache     <cacheDir>/tools/<tool>/<version>/bin (filled by an earlier download or build)
//   download  the official release artifact, sha256-checked (never when the pin says 'PENDING')
//   build     from package registries (Go module proxy, crates.io)
// Cache, download and build run under a per-tool lock so concurrent runs on one machine build once.
import type { Config } from '../run/config.ts'
import type { ToolName } from '../base/versions.ts'
import { commitStaging, discardStaging, fromCache, prepareStaging } from './cache.ts'
import { binariesOf, catalog, pinOf, type ResolvedBinary, type ToolSpec } from './catalog.ts'
import { expectedSourceHash, fromBuild } from './build.ts'
import { fromDownload, type FetchLike } from './download.ts'
import { downloadsDir, toolLayout, type ToolLayout } from './layout.ts'
import { withLock } from './lock.ts'
import { fromPath } from './on-path.ts'
import { probeVersion } from './probe.ts'
import { formatDuration } from './steps.ts'
import type { Attempt, Found, Log, ObtainedTool, ToolSource } from './types.ts'
import { versionLine, versionMatches } from './version-match.ts'

/** Everything a source needs to know about the tool being obtained. */
export interface ToolRequest {
  tool: ToolName
  version: string
  spec: ToolSpec
  binaries: ResolvedBinary[]
  layout: ToolLayout
  cacheDir: string
  log: Log
}

/** A source's answer; download and build write into `stagingBin` and may attach a source hash. */
export type SourceFn = (req: ToolRequest, stagingBin: string) => Promise<Attempt & { sourceHash?: string }>

export interface ObtainOptions {
  log?: Log
  /** environment whose PATH is searched and whose GOPROXY is honoured (default process.env) */
  env?: NodeJS.ProcessEnv
  fetch?: FetchLike
  /** replace a source (tests); absent ones use the real implementation */
  sources?: Partial<Record<ToolSource, SourceFn>>
  /** leave a source out, e.g. ['path'] to ignore installed tools */
  skip?: readonly ToolSource[]
}

export class ToolUnavailableError extends Error {
  override name = 'ToolUnavailableError'
  constructor(
    readonly tool: ToolName,
    readonly version: string,
    readonly reasons: string[],
  ) {
    super(`${tool} ${version} could not be obtained:\n  ${reasons.join('\n  ')}`)
  }
}

function realSources(opts: ObtainOptions): Record<ToolSource, SourceFn> {
  const env = opts.env ?? process.env
  return {
    path: (r) => fromPath(r.spec, r.binaries, r.version, env.PATH),
    cache: async (r) => {
      const sourceHash = await expectedSourceHash(pinOf(r.tool))
      return fromCache(r.spec, r.binaries, r.layout, {
        version: r.version,
        ...(sourceHash ? { sourceHash } : {}),
      })
    },
    download: (r, bin) => {
      const pin = pinOf(r.tool)
      return fromDownload({
        artifact: pin.release,
        version: r.version,
        pinnedVersion: pin.version,
        binaries: r.binaries,
        binDir: bin,
        downloadsDir: downloadsDir(r.cacheDir),
        fetch: opts.fetch,
        log: r.log,
      })
    },
    build: async (r, bin) => {
      const res = await fromBuild({
        tool: r.tool,
        version: r.version,
        pin: pinOf(r.tool),
        spec: r.spec,
        binaries: r.binaries,
        layout: r.layout,
        binDir: bin,
        cacheDir: r.cacheDir,
        log: r.log,
        processEnv: env,
      })
      return { ...res.attempt, ...(res.sourceHash ? { sourceHash: res.sourceHash } : {}) }
    },
  }
}

function isFound(a: Attempt): a is { found: Found } {
  return 'found' in a
}

export async function obtainTool(
  tool: ToolName,
  config: Pick<Config, 'cacheDir' | 'toolVersions'>,
  opts: ObtainOptions = {},
): Promise<ObtainedTool> {
  const started = Date.now()
  const version = config.toolVersions[tool]
  const log: Log = opts.log ?? (() => {})
  const sources = { ...realSources(opts), ...opts.sources }
  const skip = new Set(opts.skip ?? [])
  const req: ToolRequest = {
    tool,
    version,
    spec: catalog[tool],
    binaries: binariesOf(tool),
    layout: toolLayout(config.cacheDir, tool, version),
    cacheDir: config.cacheDir,
    log,
  }
  const skipped: string[] = []
  const done = (source: ToolSource, found: Found, binaries = found.binaries): ObtainedTool => {
    const primary = req.binaries[0]!.name
    return {
      tool,
      version,
      source,
      binary: binaries[primary]!,
      binaries,
      detail: found.detail,
      skipped,
      ...(found.versionOutput !== undefined ? { versionOutput: found.versionOutput } : {}),
      durationMs: Date.now() - started,
    }
  }
  const attempt = async (source: ToolSource, stagingBin = ''): Promise<Attempt & { sourceHash?: string }> => {
    log(`${tool} ${version}: trying ${source}`)
    const a = skip.has(source)
      ? { skipped: 'left out by the caller' }
      : await sources[source](req, stagingBin)
    if (!isFound(a)) {
      skipped.push(`${source}: ${a.skipped}`)
      log(`${tool} ${version}: ${source} skipped: ${a.skipped}`)
    }
    return a
  }

  const onPath = await attempt('path')
  if (isFound(onPath)) return done('path', onPath.found)
  const cached = await attempt('cache')
  if (isFound(cached)) return done('cache', cached.found)

  return withLock(
    req.layout.lock,
    `obtaining ${tool} ${version}`,
    async () => {
      // Another process may have filled the entry while we waited for the lock.
      if (!skip.has('cache')) {
        const again = await sources.cache(req, '')
        if (isFound(again)) return done('cache', again.found)
      }
      for (const source of ['download', 'build'] as const) {
        const bin = await prepareStaging(req.layout)
        let a: Attempt & { sourceHash?: string }
        try {
          a = await attempt(source, bin)
        } catch (err) {
          await discardStaging(req.layout)
          throw err
        }
        if (!isFound(a)) {
          await discardStaging(req.layout)
          continue
        }
        // Prove it starts before it becomes a cache entry.
        const staged = a.found.binaries[req.binaries[0]!.name]
        const probe = staged
          ? await probeVersion(staged, req.spec.versionArgs)
          : { ok: false, output: 'missing' }
        if (!probe.ok) {
          await discardStaging(req.layout)
          const what = source === 'build' ? 'built' : 'downloaded'
          throw new Error(
            `${tool}: ${staged} was ${what} but does not start: ${versionLine(probe.output, version)}`,
          )
        }
        const final = await commitStaging(req.layout, a.found, {
          tool,
          version,
          source,
          detail: a.found.detail,
          ...(a.sourceHash ? { sourceHash: a.sourceHash } : {}),
        })
        const result = done(source, { ...a.found, versionOutput: versionLine(probe.output, version) }, final)
        if (!versionMatches(probe.output, version))
          log(`${tool} ${version}: warning: ${result.binary} says "${result.versionOutput}"`)
        log(`${tool} ${version}: ${source} done in ${formatDuration(result.durationMs)}`)
        return result
      }
      throw new ToolUnavailableError(tool, version, skipped)
    },
    { log },
  )
}

/** Obtains tools one after another (builds share two cores; Go builds must not overlap). */
export async function obtainTools(
  tools: readonly ToolName[],
  config: Pick<Config, 'cacheDir' | 'toolVersions'>,
  opts: ObtainOptions = {},
): Promise<ObtainedTool[]> {
  const out: ObtainedTool[] = []
  for (const t of tools) out.push(await obtainTool(t, config, opts))
  return out
}
