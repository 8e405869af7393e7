// Holds a fault's observed verdicts and diagnosed cause against what its catalog entry expects.
// A fault whose expected checks stayed green is a false pass; a control with a red check is a false
// alarm; a diagnosis that names another cause is a misdiagnosis. Each fails the catalog.
import type { Verdict } from '../checks/verdict.ts'
import { FAULT_CHECKS, type Cause, type FaultCheck } from './checks-and-causes.ts'
import type { FaultResult } from './result.ts'
import type { FaultEntry } from './types.ts'

export function compareFault(
  entry: Pick<FaultEntry, 'id' | 'title' | 'expectRed' | 'cause' | 'control'>,
  verdicts: Record<FaultCheck, Verdict>,
  cause: Cause,
  durationMs: number,
): FaultResult {
  const red = FAULT_CHECKS.filter((c) => !verdicts[c].passed)
  const falsePasses = entry.expectRed.filter((c) => verdicts[c].passed)
  const falseAlarms = entry.control ? red : []
  const alsoRed = entry.control ? [] : red.filter((c) => !entry.expectRed.includes(c))
  const causeMatches = cause.code === entry.cause
  const observed = Object.fromEntries(
    FAULT_CHECKS.map((c) => [c, { passed: verdicts[c].passed, diagnosis: verdicts[c].diagnosis }]),
  ) as FaultResult['observed']
  return {
    id: entry.id,
    title: entry.title,
    control: !!entry.control,
    expectRed: entry.expectRed,
    expectedCause: entry.cause,
    observed,
    cause,
    falsePasses,
    falseAlarms,
    alsoRed,
    causeMatches,
    ok: falsePasses.length === 0 && falseAlarms.length === 0 && causeMatches,
    durationMs,
  }
}

/** One line per result for the console and the summary. */
export function faultLine(r: FaultResult): string {
  if (r.error) return `✗ ${r.id}: could not run: ${r.error}`
  const problems = [
    ...r.falsePasses.map((c) => `FALSE PASS ${c}`),
    ...r.falseAlarms.map((c) => `FALSE ALARM ${c}`),
    ...(r.causeMatches ? [] : [`diagnosed ${r.cause.code}, expected ${r.expectedCause}`]),
  ]
  const red = Object.entries(r.observed)
    .filter(([, v]) => !v.passed)
    .map(([c]) => c)
  return (
    `${r.ok ? '✓' : '✗'} ${r.id}: ${r.control ? 'control' : `red ${red.join(', ') || 'none'}`}; ` +
    `${r.cause.code}: ${r.cause.sentence}${problems.length ? ` — ${problems.join('; ')}` : ''}`
  )
}
