// CLI: the diagnostics bundle of the run recorded in <reports>/run-state.json, for any profile.
//   npx tsx helpers/run/diagnostics-main.ts [dir]      (default: <reports>/diagnostics)
// The Ctrl-C path (suites/global-setup.ts) runs it as a blocking child before the teardown, since
// nothing asynchronous can finish in vitest's process once a signal has arrived.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from './config.ts'
import { profileFor } from '../profiles/profile-for.ts'
import { statePath, type RunState } from './state.ts'

async function main(argv: string[]): Promise<number> {
  const config = loadConfig()
  let state: RunState
  try {
    state = JSON.parse(readFileSync(statePath(config), 'utf8')) as RunState
  } catch {
    console.log(`diagnostics: no run state in ${statePath(config)}: nothing was created to collect from`)
    return 0
  }
  if (!state.nodes.length) {
    console.log('diagnostics: the run created no nodes: nothing to collect')
    return 0
  }
  const dir = argv[2] ?? path.join(config.reportsDir, 'diagnostics')
  await (await profileFor(config)).collectDiagnostics(dir, state)
  console.log(`diagnostics: ${path.resolve(dir)}`)
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`diagnostics: ${err instanceof Error ? err.message : String(err)}`)
      process.exit(1)
    },
  )
}
