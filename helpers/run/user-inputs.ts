// The files a user hands the run (D7Y_STARGZ_CONFIG, D7Y_VALUES) must read and parse before
// anything is created; a mistake in them is a preflight problem, not a failure twenty minutes later.
import { readFileSync } from 'node:fs'
import { parse as parseToml } from 'smol-toml'
import type { Config } from './config.ts'
import type { PreflightProblem } from '../profiles/profile.ts'
import { helmValues } from '../render/helm-values.ts'
import { selectFaults } from '../faults/catalog.ts'

export function userInputProblems(config: Config): PreflightProblem[] {
  const problems: PreflightProblem[] = []
  if (config.snapshotterConfig)
    try {
      parseToml(readFileSync(config.snapshotterConfig, 'utf8'))
    } catch (err) {
      problems.push({
        what: `D7Y_STARGZ_CONFIG ${config.snapshotterConfig} is not a readable TOML file (${(err as Error).message.split('\n')[0]})`,
        fix: 'point it at a containerd-stargz-grpc config.toml',
      })
    }
  if (config.valuesOverlay)
    try {
      helmValues(config)
    } catch (err) {
      problems.push({
        what: `D7Y_VALUES ${config.valuesOverlay} cannot be merged (${(err as Error).message.split('\n')[0]})`,
        fix: 'point it at a YAML map of Helm values for the dragonfly chart',
      })
    }
  // Chapter 85 uses the first N workers of the cluster the earlier chapters built with D7Y_WORKERS.
  const largest = Math.max(...(config.scale ?? []), config.stabilityRuns > 0 ? 2 : 0)
  if (largest > config.workers)
    problems.push({
      what: `${[
        config.scale ? `D7Y_SCALE=${config.scale.join(',')}` : '',
        config.stabilityRuns > 0 ? `D7Y_STABILITY_RUNS=${config.stabilityRuns} (2 workers)` : '',
      ]
        .filter(Boolean)
        .join(' and ')} needs ${largest} workers but D7Y_WORKERS=${config.workers}`,
      fix: `set D7Y_WORKERS=${largest} (the cluster is built once with the largest N; each point uses the first N workers)`,
    })
  if (config.teardownFault && config.profile !== 'cluster')
    problems.push({
      what: `D7Y_TEARDOWN_FAULT=${config.teardownFault} judges the cluster profile's teardown; this is the ${config.profile} profile`,
      fix: 'unset D7Y_TEARDOWN_FAULT, or run with D7Y_PROFILE=cluster',
    })
  try {
    selectFaults(config.faults, config.profile)
  } catch (err) {
    problems.push({ what: `D7Y_FAULTS: ${(err as Error).message}`, fix: 'npx d7y-conformance faults --list' })
  }
  return problems
}
