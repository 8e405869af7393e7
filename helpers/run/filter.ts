// Which vitest arguments narrow the conformance run: a file filter, a test name pattern (-t) or a
// shard. A narrowed run still judges the whole check list, so its summary must say it was narrowed.
import { parseCLI } from 'vitest/node'

export interface ParsedArgs {
  /** what the arguments select, in words; undefined for the whole run */
  filter?: string
  /** arguments the runner cannot pass on, each with why */
  refused: string[]
}

export function parseVitestArgs(args: readonly string[]): ParsedArgs {
  const { filter: files, options } = parseCLI(['vitest', 'run', ...args])
  const parts: string[] = []
  if (files.length) parts.push(`files matching ${files.join(', ')}`)
  if (options.testNamePattern) parts.push(`tests matching ${String(options.testNamePattern)}`)
  if (options.shard) parts.push(`shard ${String(options.shard)}`)
  const refused: string[] = []
  if (options.project) refused.push('--project: the runner runs the conformance project only')
  if (options.watch) refused.push('--watch: a conformance run is one run')
  return { ...(parts.length ? { filter: parts.join('; ') } : {}), refused }
}
