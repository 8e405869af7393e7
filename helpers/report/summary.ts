// reports/summary.json: written at the end of every run, passed or failed. Checks that never ran
// are listed as "not run" so a reader sees the whole conformance list every time.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { checkTitle, checksFor, type CheckId } from '../checks/catalog.ts'
import type { Config } from '../run/config.ts'
import type { CheckResult, RunState } from '../run/state.ts'
import { ranVersions } from './ran-versions.ts'
import { benchmarkReportSchema, type BenchmarkReport } from './benchmark-types.ts'
import type { FaultResult } from '../faults/result.ts'
import type { DaemonFootprint } from '../evidence/daemon-footprint.ts'

export interface Summary {
  profile: string
  runId: string
  startedAt: string
  finishedAt: string
  passed: boolean
  /**
   * tools, chart, images: what was asked for (pins after overrides); ran: what each component said its
   * version is where it ran (absent when nothing confirmed it)
   */
  versions: {
    tools: Record<string, string>
    chart: string
    images: Record<string, string>
    ran: Record<string, string>
  }
  toolSources: RunState['tools']
  checks: Omit<CheckResult, 'evidence'>[]
  origin: RunState['origin']
  notes: string[]
  /** what a deliberately filtered run selected (vitest file filter, -t): its other checks did not run */
  filtered?: string
  /** the cold-start benchmark, when it ran and recorded well-formed data */
  benchmark?: BenchmarkReport
  /** the fault catalog's results, when it ran (D7Y_FAULTS) */
  faults?: FaultResult[]
  /** the daemons' peak memory and CPU time through the P2P pull, when it was read */
  footprint?: DaemonFootprint[]
}

export interface SummaryOptions {
  /** the run's id, also when no chapter got as far as writing the run state */
  runId?: string
  /** the runner's description of a deliberate filter (helpers/run/filter.ts) */
  filtered?: string
}

export function buildSummary(
  config: Config,
  state: RunState | undefined,
  finishedAt: Date,
  options: SummaryOptions = {},
): Summary {
  const recorded = new Map((state?.checks ?? []).map((c) => [c.id, c]))
  const checks = checksFor(config.profile, { faults: !!config.faults, upgrade: !!config.upgradeTo }).map(
    ({ id, title }) => {
      const c = recorded.get(id)
      return c
        ? { id, title, status: c.status, diagnosis: c.diagnosis }
        : {
            id,
            title,
            status: 'not run' as const,
            diagnosis: 'not run: an earlier chapter did not complete, or the run was interrupted',
          }
    },
  )
  // a check judged although the catalog does not list it for this profile still counts, never dropped
  for (const c of state?.checks ?? [])
    if (!checks.some((k) => k.id === c.id))
      checks.push({
        id: c.id as CheckId,
        title: checkTitle(c.id as CheckId),
        status: c.status,
        diagnosis: c.diagnosis,
      })
  const notes = [...(state?.notes ?? [])]
  if (options.filtered)
    notes.push(
      `filtered run (${options.filtered}): only the selected chapters ran; every other check is "not run" and the run does not pass`,
    )
  const benchmark = readBenchmark(state?.benchmark, notes)
  const images = Object.fromEntries(
    Object.entries(config.versions.images).map(([k, v]) => [k, `${v.repository}:${v.tag}`]),
  )
  return {
    profile: config.profile,
    runId: options.runId ?? state?.runId ?? 'none',
    startedAt: state?.startedAt ?? finishedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    passed: checks.every((c) => c.status === 'passed'),
    versions: {
      tools: config.toolVersions,
      chart: config.chartVersion,
      images,
      ran: ranVersions(state?.tools ?? []),
    },
    toolSources: state?.tools ?? [],
    checks,
    origin: state?.origin ?? {},
    notes,
    ...(options.filtered ? { filtered: options.filtered } : {}),
    ...(benchmark ? { benchmark } : {}),
    ...(state?.faults?.length ? { faults: state.faults } : {}),
    ...(state?.footprint?.length ? { footprint: state.footprint } : {}),
  }
}

/** The run state's benchmark if it has the expected shape; otherwise a loud note says why not. */
function readBenchmark(raw: unknown, notes: string[]): BenchmarkReport | undefined {
  if (raw === undefined || raw === null) return undefined
  const parsed = benchmarkReportSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  notes.push(
    `benchmark data left out of the report: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'malformed'}`,
  )
  return undefined
}

export function writeSummary(config: Config, summary: Summary): string {
  mkdirSync(config.reportsDir, { recursive: true })
  const file = path.join(config.reportsDir, 'summary.json')
  writeFileSync(file, JSON.stringify(summary, null, 2) + '\n')
  return file
}
