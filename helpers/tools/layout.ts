// Where obtained tools live: outside the clone, keyed by tool and version, so every run and every CI
// job on the machine shares them:
//   <cacheDir>/tools/<tool>/<version>/bin/<binary>     the tool (version exactly as pinned, e.g. v1.5.0)
//   <cacheDir>/tools/<tool>/<version>/tool.json        how it got there (source, recipe, checksums)
//   <cacheDir>/build/<tool>-<version>/                 throwaway Go module of a source build
//   <cacheDir>/cargo-target/                           cargo's target dir, shared by Rust builds
//   <cacheDir>/downloads/                              verified release archives
//   <cacheDir>/logs/<tool>-<version>.log               full output of the last build
import path from 'node:path'

export interface ToolLayout {
  root: string
  binDir: string
  meta: string
  /** where a source writes before the result is moved into place in one rename */
  staging: string
  lock: string
  buildDir: string
  log: string
}

export function toolLayout(cacheDir: string, tool: string, version: string): ToolLayout {
  const root = path.join(cacheDir, 'tools', tool, version)
  return {
    root,
    binDir: path.join(root, 'bin'),
    meta: path.join(root, 'tool.json'),
    staging: path.join(cacheDir, 'tools', tool, `.${version}.partial-${process.pid}`),
    lock: path.join(cacheDir, 'tools', tool, `.${version}.lock`),
    buildDir: path.join(cacheDir, 'build', `${tool}-${version}`),
    log: path.join(cacheDir, 'logs', `${tool}-${version}.log`),
  }
}

export function binaryPath(cacheDir: string, tool: string, version: string, binary: string): string {
  return path.join(toolLayout(cacheDir, tool, version).binDir, binary)
}

export function cargoTargetDir(cacheDir: string): string {
  return path.join(cacheDir, 'cargo-target')
}

export function downloadsDir(cacheDir: string): string {
  return path.join(cacheDir, 'downloads')
}
