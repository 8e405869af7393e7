// Source 4, C: one C file of a published Go module, compiled statically with gcc (pause, from the
// k8s.io/kubernetes tree). The module comes from the Go module proxy like every Go build; no repository
// is cloned. Where the tree names the version it builds (catalog cVersionIn), a mismatch is refused, so
// a version override cannot silently build the pinned tree's source under another name.
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { goDownloadStep, goEnv } from './go-build.ts'
import { runStep, type CommandStep } from './steps.ts'
import type { Log } from './types.ts'

/** Upstream's flags for pause: small, warnings fatal, static (the sandbox image has no libc). */
export function cBuildStep(source: string, out: string, version: string): CommandStep {
  return {
    title: `gcc -static ${path.basename(source)}`,
    file: 'gcc',
    args: [
      '-Os',
      '-Wall',
      '-Werror',
      '-static',
      `-DVERSION=v${version.replace(/^v/, '')}`,
      '-o',
      out,
      source,
    ],
    timeoutMs: 5 * 60_000,
  }
}

/** The version the tree says it builds, by the catalog's pattern (first capture group). */
export function versionNamedIn(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1]
}

export interface CBuild {
  module: string
  moduleVersion: string
  /** the C file's path inside the module */
  file: string
  version: string
  versionIn?: { file: string; pattern: RegExp }
  /** where `go mod download` runs (outside any Go module) */
  workDir: string
  out: string
  processEnv: NodeJS.ProcessEnv
  log: Log
  logFile: string
}

export async function buildC(b: CBuild): Promise<{ detail: string }> {
  const step = { log: b.log, logFile: b.logFile }
  await mkdir(b.workDir, { recursive: true })
  const dl = await runStep(goDownloadStep(b.module, b.moduleVersion, b.workDir, goEnv(b.processEnv)), step)
  const info = JSON.parse(dl.stdout) as { Dir?: string; Error?: string }
  if (info.Error || !info.Dir)
    throw new Error(`go mod download ${b.module}@${b.moduleVersion}: ${info.Error}`)
  const source = path.join(info.Dir, b.file)
  if (!existsSync(source)) throw new Error(`${b.file} is not in ${b.module}@${b.moduleVersion}`)
  if (b.versionIn) {
    const named = versionNamedIn(
      await readFile(path.join(info.Dir, b.versionIn.file), 'utf8'),
      b.versionIn.pattern,
    )
    if (named?.replace(/^v/, '') !== b.version.replace(/^v/, ''))
      throw new Error(
        `${b.module}@${b.moduleVersion} ${b.versionIn.file} builds ${named ?? 'an unnamed version'}, not ${b.version}: pin the module version that builds it (helpers/base/versions.ts)`,
      )
  }
  await runStep(cBuildStep(source, b.out, b.version), step)
  return { detail: `gcc -static ${b.file} of ${b.module}@${b.moduleVersion} (from the Go module proxy)` }
}
