// plan [--profile kind] [--json]: the steps a conformance run would take, without running them.
import { access } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Command, Option } from 'commander'
import { loadConfig, PROFILES, type Config } from '../../helpers/run/config.ts'
import { CliError } from '../errors.ts'
import { printJson, printText } from '../io.ts'

// Opaque here: passed from kindPlan to renderPlan, or printed as JSON.
type PlanSteps = unknown

interface PlanModule {
  kindPlan: (config: Config) => PlanSteps | Promise<PlanSteps>
  renderPlan: (steps: PlanSteps) => string
}

// Loaded by URL at run time (not type-checked against it), so the CLI builds and runs everything but
// `plan` while helpers/kind/plan.ts is absent or uncommitted.
const PLAN_MODULE = new URL('../../helpers/kind/plan.ts', import.meta.url)

export function planCommand(): Command {
  return new Command('plan')
    .description('print the steps of a conformance run for the current configuration, without running them')
    .addOption(new Option('--profile <profile>', 'the profile to plan').choices(PROFILES).default('kind'))
    .option('--json', 'print the steps as JSON')
    .action(async (options: { profile: string; json?: boolean }) => {
      if (options.profile === 'local') {
        throw new CliError(`plan covers the kind and cluster profiles (asked for ${options.profile})`)
      }
      const { kindPlan, renderPlan } = await loadPlanModule()
      if (options.profile === 'cluster') {
        const { clusterPlan } = await import('../../helpers/cluster/plan.ts')
        const steps = await clusterPlan(loadConfig({ ...process.env, D7Y_PROFILE: 'cluster' }))
        if (options.json) printJson(steps)
        else printText(String(renderPlan(steps)))
        return
      }
      // The profile option wins over D7Y_PROFILE; everything else comes from the environment.
      const steps = await kindPlan(loadConfig({ ...process.env, D7Y_PROFILE: options.profile }))
      if (options.json) printJson(steps)
      else printText(String(renderPlan(steps)))
    })
}

async function loadPlanModule(): Promise<PlanModule> {
  try {
    await access(PLAN_MODULE)
  } catch {
    throw new CliError('plan is not available: helpers/kind/plan.ts missing')
  }
  const mod = (await import(PLAN_MODULE.href)) as Partial<PlanModule>
  if (typeof mod.kindPlan !== 'function' || typeof mod.renderPlan !== 'function') {
    throw new CliError(
      `plan is not available: ${fileURLToPath(PLAN_MODULE)} does not export kindPlan and renderPlan`,
    )
  }
  return { kindPlan: mod.kindPlan, renderPlan: mod.renderPlan }
}
