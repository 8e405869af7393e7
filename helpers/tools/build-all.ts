// CLI: obtain every tool a profile needs before the tests (.ci/run calls this), with progress.
//   npx tsx helpers/tools/build-all.ts                     the configured profile's tools (D7Y_PROFILE)
//   npx tsx helpers/tools/build-all.ts stargz scheduler    just these
//   options: --profile local|kind, --json <file> (the per-tool summary), --skip path,download
// Exit status 1 when any tool could not be obtained (the others are still attempted).
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Command, Option } from 'commander'
import { loadConfig, PROFILES, type Config, type Profile } from '../run/config.ts'
import type { ToolName } from '../base/versions.ts'
import { isToolName, profileTools } from './catalog.ts'
import { obtainTool, type ObtainOptions } from './obtain.ts'
import { toolLine, toolsSummary } from './report.ts'
import { formatDuration } from './steps.ts'
import { TOOL_SOURCES, type ObtainedTool, type ToolSource } from './types.ts'

export interface BuildAllResult {
  obtained: ObtainedTool[]
  failed: { tool: ToolName; error: string }[]
}

export async function buildAll(
  tools: readonly ToolName[],
  config: Pick<Config, 'cacheDir' | 'toolVersions'>,
  opts: ObtainOptions & { print?: (line: string) => void } = {},
): Promise<BuildAllResult> {
  const print = opts.print ?? ((line: string) => console.log(line))
  const started = Date.now()
  const stamp = (): string => `[${formatDuration(Date.now() - started).padStart(6)}]`
  const result: BuildAllResult = { obtained: [], failed: [] }
  print(`${stamp()} obtaining ${tools.join(', ')} (cache ${config.cacheDir})`)
  for (const tool of tools) {
    print(`${stamp()} ▶ ${tool} ${config.toolVersions[tool]}`)
    try {
      const t = await obtainTool(tool, config, { ...opts, log: (line) => print(`${stamp()}   ${line}`) })
      result.obtained.push(t)
      print(`${stamp()} ✓ ${toolLine(t)}`)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      result.failed.push({ tool, error })
      print(`${stamp()} ✗ ${tool}: ${error}`)
    }
  }
  print(`${stamp()} done: ${result.obtained.length} obtained, ${result.failed.length} failed`)
  for (const t of result.obtained) print(`  ${toolLine(t)}`)
  for (const f of result.failed) print(`  ${f.tool.padEnd(11)} FAILED  ${f.error.split('\n')[0]}`)
  return result
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig()
  const program = new Command()
    .name('build-all')
    .description('Obtain the tools a profile needs: PATH → cache → verified download → build from registries')
    .argument('[tools...]', `tool names (default: the profile's tools)`)
    .addOption(
      new Option('--profile <profile>', 'whose tools to obtain').choices(PROFILES).default(config.profile),
    )
    .option('--json <file>', 'write the per-tool summary (source, version, path) as JSON')
    .option('--skip <sources>', `sources to leave out, comma-separated (${TOOL_SOURCES.join(', ')})`)
    .parse(argv)
  const opts = program.opts<{ profile: Profile; json?: string; skip?: string }>()
  const names = program.args
  const unknown = names.filter((n) => !isToolName(n))
  if (unknown.length > 0) {
    console.error(
      `unknown tool(s): ${unknown.join(', ')}; known: ${Object.keys(config.toolVersions).join(', ')}`,
    )
    return 2
  }
  const skip = (opts.skip ?? '').split(',').filter(Boolean)
  const badSkip = skip.filter((s) => !(TOOL_SOURCES as readonly string[]).includes(s))
  if (badSkip.length > 0) {
    console.error(`--skip: unknown source(s) ${badSkip.join(', ')}; known: ${TOOL_SOURCES.join(', ')}`)
    return 2
  }
  const tools = names.length > 0 ? (names as ToolName[]) : profileTools[opts.profile]
  const result = await buildAll(tools, config, { skip: skip as ToolSource[] })
  if (opts.json) {
    const file = path.resolve(opts.json)
    await writeFile(
      file,
      JSON.stringify({ tools: toolsSummary(result.obtained), failed: result.failed }, null, 2) + '\n',
    )
    console.log(`summary written to ${file}`)
  }
  return result.failed.length > 0 ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err)
      process.exit(1)
    },
  )
}
