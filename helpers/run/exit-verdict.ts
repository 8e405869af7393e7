// The process's exit code is the summary's verdict: 0 only when this run's summary.json says every
// check passed and vitest itself exited 0. A check that failed or did not run (a skipped chapter,
// a filtered or interrupted run), a missing or foreign summary, or a signal makes it non-zero.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseSummary } from '../report/summary-schema.ts'
import type { Summary } from '../report/summary.ts'

export interface RunOutcome {
  runId: string
  reportsDir: string
  /** vitest's exit code (undefined when it was killed by a signal) */
  vitestExitCode: number | undefined
  /** the signal the runner received and passed on to vitest, if any */
  signal?: NodeJS.Signals
}

export interface ExitVerdict {
  exitCode: number
  /** the run's last line of output */
  line: string
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 }

/** This run's summary, or why there is none. */
export function readRunSummary(reportsDir: string, runId: string): Summary | Error {
  const file = path.join(reportsDir, 'summary.json')
  let summary: Summary
  try {
    summary = parseSummary(readFileSync(file, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return new Error(code === 'ENOENT' ? `${file} was not written` : `${file}: ${(error as Error).message}`)
  }
  if (summary.runId !== runId)
    return new Error(`${file} is from run ${summary.runId}, not this run (${runId})`)
  return summary
}

export function exitVerdict(outcome: RunOutcome, summary: Summary | Error): ExitVerdict {
  const failCode = (outcome.signal && SIGNAL_EXIT[outcome.signal]) || 1
  const interrupted = outcome.signal ? ` (interrupted by ${outcome.signal})` : ''
  if (summary instanceof Error)
    return {
      exitCode: failCode,
      line: `conformance: FAILED${interrupted}: no summary of this run: ${summary.message}: see the output above`,
    }
  const md = path.join(outcome.reportsDir, 'summary.md')
  const failed = summary.checks.filter((c) => c.status === 'failed').length
  const notRun = summary.checks.filter((c) => c.status === 'not run').length
  const filtered = summary.filtered ? ` (filtered run: ${summary.filtered})` : ''
  if (failed || notRun || !summary.passed || outcome.signal)
    return {
      exitCode: failCode,
      line: `conformance: FAILED${interrupted}${filtered}: ${failed} failed, ${notRun} not run: see ${md}`,
    }
  if (outcome.vitestExitCode !== 0)
    return {
      exitCode: failCode,
      line: `conformance: FAILED: every check passed but vitest exited ${outcome.vitestExitCode ?? 'on a signal'} (a chapter's own assertion or vitest itself failed): see the output above`,
    }
  return { exitCode: 0, line: `conformance: PASSED${filtered}: ${summary.checks.length} checks: see ${md}` }
}
