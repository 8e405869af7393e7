// The compatibility table of a CI matrix: one row per (profile, chart, Dragonfly, snapshotter)
// combination, one column per check. Runs of the same combination are folded into one row.
import { CHECKS } from '../checks/catalog.ts'
import type { CheckStatus } from '../run/state.ts'
import { cell, table } from './markdown-format.ts'
import type { Summary } from './summary.ts'
import type { SummaryInput } from './summary-schema.ts'

/** A check's verdict over every run of a combination. */
export type MergedStatus = CheckStatus | 'flaky' | 'n/a'

/** Profiles that deploy Dragonfly without the Helm chart: their rows have no chart version. */
export const CHARTLESS_PROFILES: readonly string[] = ['local']

export interface Combination {
  profile: string
  /** the Dragonfly Helm chart version, or null where the profile deploys no chart */
  chart: string | null
  dragonfly: { scheduler: string; client: string }
  snapshotter: string
}

export interface MergedRun {
  source: string
  runId: string
  passed: boolean
}

export interface MergedRow extends Combination {
  runs: MergedRun[]
  /** every run of the combination passed every check */
  passed: boolean
  results: Record<string, MergedStatus>
  failures: { check: string; runId: string; diagnosis: string }[]
}

export interface CompatibilityTable {
  checks: { id: string; title: string }[]
  rows: MergedRow[]
}

export function combination(s: Summary): Combination {
  const tool = (name: string) => s.versions.tools[name] ?? 'unknown'
  return {
    profile: s.profile,
    chart: CHARTLESS_PROFILES.includes(s.profile) ? null : s.versions.chart,
    dragonfly: { scheduler: tool('scheduler'), client: tool('dfdaemon') },
    snapshotter: tool('stargz'),
  }
}

function key(c: Combination): string {
  return [c.profile, c.chart ?? '', c.dragonfly.scheduler, c.dragonfly.client, c.snapshotter].join('\u0000')
}

function fold(statuses: CheckStatus[]): MergedStatus {
  const seen = new Set(statuses)
  if (seen.size === 0) return 'n/a'
  if (seen.has('failed')) return seen.has('passed') ? 'flaky' : 'failed'
  return seen.has('passed') ? 'passed' : 'not run'
}

/** Check columns: the catalog's order first, then ids only newer summaries know, as they appear. */
function checkColumns(inputs: SummaryInput[]): { id: string; title: string }[] {
  const seen = new Map<string, string>()
  for (const { summary } of inputs)
    for (const c of summary.checks) if (!seen.has(c.id)) seen.set(c.id, c.title)
  const known = CHECKS.map((c) => c.id as string).filter((id) => seen.has(id))
  const extra = [...seen.keys()].filter((id) => !known.includes(id))
  return [...known, ...extra].map((id) => ({ id, title: seen.get(id)! }))
}

const compareVersions = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true })

export function mergeSummaries(inputs: SummaryInput[]): CompatibilityTable {
  const checks = checkColumns(inputs)
  const groups = new Map<string, { combination: Combination; inputs: SummaryInput[] }>()
  for (const input of inputs) {
    const c = combination(input.summary)
    const group = groups.get(key(c)) ?? { combination: c, inputs: [] }
    group.inputs.push(input)
    groups.set(key(c), group)
  }
  const rows = [...groups.values()].map(({ combination: c, inputs: runs }): MergedRow => {
    const results: Record<string, MergedStatus> = {}
    const failures: MergedRow['failures'] = []
    for (const { id } of checks) {
      const found = runs.flatMap(({ summary }) => {
        const check = summary.checks.find((x) => x.id === id)
        return check ? [{ check, runId: summary.runId }] : []
      })
      results[id] = fold(found.map((f) => f.check.status))
      for (const f of found)
        if (f.check.status === 'failed')
          failures.push({ check: id, runId: f.runId, diagnosis: f.check.diagnosis })
    }
    return {
      ...c,
      runs: runs.map(({ source, summary }) => ({ source, runId: summary.runId, passed: summary.passed })),
      passed: runs.every(({ summary }) => summary.passed),
      results,
      failures,
    }
  })
  rows.sort(
    (a, b) =>
      a.profile.localeCompare(b.profile) ||
      compareVersions(a.chart ?? '', b.chart ?? '') ||
      compareVersions(a.dragonfly.scheduler, b.dragonfly.scheduler) ||
      compareVersions(a.dragonfly.client, b.dragonfly.client) ||
      compareVersions(a.snapshotter, b.snapshotter),
  )
  return { checks, rows }
}

const MARK: Record<MergedStatus, string> = {
  passed: '✅',
  failed: '❌',
  'not run': '⏸️',
  flaky: '⚠️',
  'n/a': '–',
}

const passedRuns = (r: MergedRow) => r.runs.filter((x) => x.passed).length

export function compatibilityMarkdown(t: CompatibilityTable): string {
  const header = ['Profile', 'Chart', 'Dragonfly (scheduler / client)', 'Snapshotter', 'Runs', 'Result']
  const rows = t.rows.map((r) => [
    r.profile,
    r.chart ?? '–',
    `${r.dragonfly.scheduler} / ${r.dragonfly.client}`,
    r.snapshotter,
    r.runs.length,
    r.passed
      ? '✅ pass'
      : `❌ fail${r.runs.length > 1 ? ` (${passedRuns(r)}/${r.runs.length} runs passed)` : ''}`,
    ...t.checks.map((c) => MARK[r.results[c.id] ?? 'n/a']),
  ])
  const failures = t.rows.flatMap((r) =>
    r.failures.map(
      (f) =>
        `- ${r.profile}, chart ${r.chart ?? '–'}, Dragonfly ${r.dragonfly.scheduler} / ${r.dragonfly.client}, ` +
        `snapshotter ${r.snapshotter}: \`${f.check}\` (run ${f.runId}): ${cell(f.diagnosis)}`,
    ),
  )
  return [
    '# Dragonfly + stargz compatibility',
    '',
    table([...header, ...t.checks.map((c) => `\`${c.id}\``)], rows, [
      ...header.map(() => 'left' as const),
      ...t.checks.map(() => 'center' as const),
    ]),
    '',
    '✅ passed · ❌ failed · ⏸️ not run · ⚠️ passed in some runs and failed in others · – does not apply',
    '',
    '## Checks',
    '',
    ...t.checks.map((c) => `- \`${c.id}\`: ${c.title}`),
    ...(failures.length ? ['', '## Failures', '', ...failures] : []),
    '',
  ].join('\n')
}
