// The AFTER side of an upgrade as a summary `compare` reads like any other: the fresh pull's checks as
// the fault runner judged them, Dragonfly's readiness after the last step, and the versions that
// answered where they ran after the upgrade (not the pins).
import { checkTitle, type CheckId } from '../checks/catalog.ts'
import type { FaultResult } from '../faults/result.ts'
import type { Summary } from '../report/summary.ts'
import type { DaemonFootprint } from '../evidence/daemon-footprint.ts'

export interface AfterInputs {
  before: Summary
  finishedAt: Date
  /** the fresh pull after the last step, judged as a control */
  pull: FaultResult
  /** every Dragonfly component serving after the last step */
  ready: { passed: boolean; diagnosis: string }
  /** tool → version asked for after the upgrade */
  tools: Record<string, string>
  chart: string
  /** tool → what it said its version is where it runs now */
  ran: Record<string, string>
  notes: string[]
  /** the daemons' footprint read after the fresh pull (since each process started: a step restarts it) */
  footprint?: DaemonFootprint[]
}

export function afterSummary(i: AfterInputs): Summary {
  const judged = Object.entries(i.pull.observed).map(([id, v]) => ({
    id,
    title: checkTitle(id as CheckId),
    status: v.passed ? ('passed' as const) : ('failed' as const),
    diagnosis: v.diagnosis,
  }))
  const checks = [
    {
      id: 'dragonfly-ready',
      title: checkTitle('dragonfly-ready'),
      status: i.ready.passed ? ('passed' as const) : ('failed' as const),
      diagnosis: i.ready.diagnosis,
    },
    ...judged,
  ]
  return {
    profile: i.before.profile,
    runId: `${i.before.runId}/after-upgrade`,
    startedAt: i.before.finishedAt,
    finishedAt: i.finishedAt.toISOString(),
    passed: checks.every((c) => c.status === 'passed'),
    versions: { tools: i.tools, chart: i.chart, images: i.before.versions.images, ran: i.ran },
    toolSources: [],
    checks,
    origin: i.pull.origin ?? {},
    notes: [
      'after an in-place upgrade: the checks a fresh pull can be judged on (as the fault catalog judges its control); the cluster-setup checks ran once, before',
      ...i.notes,
    ],
    ...(i.footprint?.length ? { footprint: i.footprint } : {}),
  }
}
