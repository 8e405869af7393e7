// `npm test` / `npm run conformance:local`: runs the conformance chapters in vitest and exits with the
// summary's verdict (exit-verdict.ts), not vitest's: vitest exits 0 when a chapter skips itself.
//   npx tsx helpers/run/conformance-main.ts [vitest arguments...]   e.g. suites/00-preflight.e2e.ts, -t preflight
import { Command } from 'commander'
import { execa } from 'execa'
import { ConfigError, loadConfig } from './config.ts'
import { clearRunReports } from './clear-reports.ts'
import { exitVerdict, readRunSummary } from './exit-verdict.ts'
import { readFootprintProblem } from '../cluster/footprint-verdict.ts'
import { readTeardownFaultProblem } from '../cluster/teardown-fault.ts'
import { parseVitestArgs } from './filter.ts'
import { RUN_FILTER_ENV, RUN_ID_ENV, RUN_REPORTS_ENV } from './run-env.ts'

async function main(): Promise<number> {
  const program = new Command('conformance')
    .description('Run the conformance suite; exit 0 only when every check of the run passed')
    .argument('[vitest-args...]', 'passed on to vitest (a file filter or -t narrows the run, and says so)')
    .helpOption('--runner-help', 'this help (vitest arguments pass through)')
    .allowUnknownOption()
    .allowExcessArguments()
  program.parse()
  const args = program.args

  let config
  try {
    config = loadConfig() // the global setup validates again; failing here creates nothing either
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`conformance: FAILED: ${error.message}`)
    return 2
  }
  const parsed = parseVitestArgs(args)
  if (parsed.refused.length) {
    console.error(`conformance: FAILED: ${parsed.refused.join('; ')}`)
    return 2
  }

  const runId = `r${Date.now().toString(36)}`
  const removed = clearRunReports(config.reportsDir)
  if (removed.length) console.log(`reports: removed the earlier run's ${removed.join(', ')}`)
  if (parsed.filter) console.log(`filtered run: ${parsed.filter} (checks that do not run make it fail)`)

  // Its own process group: a terminal's Ctrl-C reaches only this process, which passes it on once.
  // Twice would kill vitest in the middle of writing the summary and removing the containers.
  const vitest = execa('vitest', ['run', '--project', 'conformance', ...args], {
    preferLocal: true,
    stdio: 'inherit',
    reject: false,
    detached: true,
    // the teardown after a signal may take minutes (kind delete cluster): never SIGKILL it
    forceKillAfterDelay: false,
    env: {
      [RUN_ID_ENV]: runId,
      [RUN_REPORTS_ENV]: config.reportsDir,
      [RUN_FILTER_ENV]: parsed.filter ?? '',
    },
  })
  let signal: NodeJS.Signals | undefined
  const onSignal = (received: NodeJS.Signals) => {
    if (signal) {
      console.error(`\n${received}: still writing the summary and cleaning up (vitest pid ${vitest.pid})`)
      return
    }
    signal = received
    vitest.kill(received)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // vitest is in its own session, so a closed terminal's SIGHUP must be passed on as well
  process.on('SIGHUP', () => onSignal('SIGTERM'))
  const result = await vitest

  const verdict = exitVerdict(
    { runId, reportsDir: config.reportsDir, vitestExitCode: result.exitCode, ...(signal ? { signal } : {}) },
    readRunSummary(config.reportsDir, runId),
  )
  console.log(`\n${verdict.line}`)
  // a cluster the suite did not create must be left as found, whatever the checks said
  if (config.profile === 'cluster') {
    const problem = readFootprintProblem(config.reportsDir)
    console.log(problem ? `conformance: FAILED: ${problem}` : 'conformance: every node as found')
    // its fault entry: with a file held on a node the same verdict went red, naming it
    const fault = config.teardownFault && readTeardownFaultProblem(config.reportsDir, config.teardownFault)
    if (config.teardownFault)
      console.log(
        fault
          ? `conformance: FAILED: ${fault}`
          : `conformance: teardown fault ${config.teardownFault} held (the verdict went red naming the held file, then the node was put back)`,
      )
    if (problem || fault) return verdict.exitCode || 1
  }
  return verdict.exitCode
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`conformance: FAILED: ${error instanceof Error ? error.message : String(error)}`)
  return 1
})
