// Runs once in vitest's main process around all chapters: validates the configuration before any
// work starts, and afterwards (passed, failed, or interrupted) writes summary.json and removes
// everything the run created unless D7Y_KEEP is set.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RUN_LABEL, removeLabelledSync } from '../helpers/profiles/docker.ts'
import { loadConfig, type Config } from '../helpers/run/config.ts'
import { buildSummary } from '../helpers/report/summary.ts'
import { writeReports } from '../helpers/report/write-reports.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { binaryPath } from '../helpers/tools/layout.ts'
import { statePath, type RunState } from '../helpers/run/state.ts'
import { RUN_FILTER_ENV, RUN_ID_ENV } from '../helpers/run/run-env.ts'
import { NAT_EXEMPTION_MARK, natExemption } from '../helpers/kind/commands.ts'

const DIAGNOSTICS_MAIN = fileURLToPath(new URL('../helpers/run/diagnostics-main.ts', import.meta.url))
const TEARDOWN_MAIN = fileURLToPath(new URL('../helpers/run/teardown-main.ts', import.meta.url))

function readState(config: Config): RunState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(config), 'utf8')) as RunState
  } catch {
    return undefined
  }
}

/** `kind delete cluster` without waiting on anything asynchronous (the signal path). */
function deleteKindClusterSync(config: Config): void {
  const cached = binaryPath(config.cacheDir, 'kind', config.toolVersions.kind, 'kind')
  try {
    execFileSync(existsSync(cached) ? cached : 'kind', ['delete', 'cluster', '--name', config.clusterName], {
      stdio: 'inherit',
      timeout: 120_000,
    })
  } catch (err) {
    console.error(`could not delete kind cluster ${config.clusterName}: ${(err as Error).message}`)
  }
}

/** The diagnostics bundle from a blocking child process (the signal path cannot await anything). */
function collectDiagnosticsSync(config: Config): string | undefined {
  const dir = path.join(config.reportsDir, 'diagnostics')
  console.error(`collecting the diagnostics bundle into ${dir} (at most 5 min)`)
  try {
    execFileSync(process.execPath, ['--import', 'tsx', DIAGNOSTICS_MAIN, dir], {
      stdio: 'inherit',
      timeout: 5 * 60_000,
    })
    return undefined
  } catch (err) {
    return `diagnostics could not be collected after the interrupt: ${(err as Error).message.split('\n')[0]}`
  }
}

/** kind on podman: the host NAT rule the cluster step inserted (helpers/kind/flow.ts). */
function removeNatExemptionSync(): void {
  const c = natExemption.removeAll()
  try {
    execFileSync(c.file, c.args, { stdio: 'inherit', timeout: 30_000 })
    console.log(`teardown: removed host NAT exemption ${NAT_EXEMPTION_MARK}`)
  } catch (err) {
    console.error(`could not remove the host NAT exemption ${NAT_EXEMPTION_MARK}: ${(err as Error).message}`)
  }
}

export default function setup(): () => Promise<void> {
  const config = loadConfig() // throws a one-line ConfigError before anything is created
  // Teardown removes what the run created by its label, also after Ctrl-C, so testcontainers'
  // reaper (an image that can't be pulled on machines without a registry) isn't needed.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  // The runner (helpers/run/conformance-main.ts) chooses the id, to know the summary is this run's.
  const runId = process.env[RUN_ID_ENV] || `r${Date.now().toString(36)}`
  process.env[RUN_ID_ENV] = runId
  rmSync(statePath(config), { force: true })

  let finished = false
  const summarize = (interrupted: boolean) => {
    const state = readState(config)
    const summary = buildSummary(config, state, new Date(), {
      runId,
      filtered: process.env[RUN_FILTER_ENV] || undefined,
    })
    if (interrupted) {
      summary.passed = false
      summary.notes.push('interrupted (signal): the remaining checks did not run')
    }
    return { state, summary }
  }
  const finish = async () => {
    if (finished) return
    finished = true
    const { state, summary } = summarize(false)
    const profile = await profileFor(config)
    if (!summary.passed && state?.nodes.length) {
      const dir = path.join(config.reportsDir, 'diagnostics')
      await profile
        .collectDiagnostics(dir, state)
        .then(() => console.log(`diagnostics: ${dir}`))
        .catch((err: Error) => summary.notes.push(`diagnostics could not be collected: ${err.message}`))
    }
    console.log(`summary: ${writeReports(config, summary)} (${summary.passed ? 'PASSED' : 'FAILED'})`)
    if (config.keep) {
      console.log(`keep: left the run's resources in place (docker ps --filter label=${RUN_LABEL}=${runId})`)
      return
    }
    const removed = await profile.teardown(runId).catch(() => undefined)
    if (removed) console.log(`teardown: removed ${removed.length ? removed.join(', ') : 'nothing'}`)
    else console.log(`teardown: removed ${removeLabelledSync(runId).join(', ') || 'nothing'}`)
  }
  // vitest exits on its own soon after a signal, so this path is synchronous from start to end.
  const onSignal = (signal: NodeJS.Signals) => {
    if (finished) return
    finished = true
    console.error(`\n${signal}: writing the summary and cleaning up before exiting`)
    const { state, summary } = summarize(true)
    console.log(`summary: ${writeReports(config, summary)} (FAILED: interrupted)`)
    if (state?.nodes.length) {
      const problem = collectDiagnosticsSync(config)
      if (problem) {
        summary.notes.push(problem)
        writeReports(config, summary)
      }
    }
    if (config.keep) return
    if (config.profile === 'cluster') {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', TEARDOWN_MAIN, runId], {
          stdio: 'inherit',
          timeout: 15 * 60_000,
        })
      } catch (err) {
        console.error(`teardown did not finish: ${(err as Error).message.split('\n')[0]}`)
      }
      return
    }
    if (config.profile === 'kind' && !config.reuseCluster) {
      deleteKindClusterSync(config)
      if (config.kindProvider !== 'docker') removeNatExemptionSync()
    }
    console.log(`teardown: removed ${removeLabelledSync(runId).length} labelled resources`)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return () => finish()
}
