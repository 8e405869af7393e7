// The exit code is the summary's verdict: a check that failed or did not run, a filtered or
// interrupted run, or a summary that is not this run's all exit non-zero (vitest exited 0 for them).
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { buildSummary, type Summary } from '../../../helpers/report/summary.ts'
import { exitVerdict, readRunSummary, type RunOutcome } from '../../../helpers/run/exit-verdict.ts'
import { FINISHED, passedChecks, runState, testConfig } from '../report/fixtures.ts'

const config = testConfig('local')
const outcome: RunOutcome = { runId: 'rmwzijose', reportsDir: 'reports', vitestExitCode: 0 }
const summaryOf = (checks = passedChecks(), filtered?: string): Summary =>
  buildSummary(config, runState({ checks }), FINISHED, filtered ? { filtered } : {})

describe('exitVerdict', () => {
  test('every check passed and vitest exited 0: exit 0', () => {
    expect(exitVerdict(outcome, summaryOf())).toEqual({
      exitCode: 0,
      line: 'conformance: PASSED: 12 checks: see reports/summary.md',
    })
  })

  test('a skipped chapter (checks not run) fails the run although vitest exited 0', () => {
    const checks = passedChecks().filter((c) => !['via-dfdaemon', 'task-succeeded'].includes(c.id))
    expect(exitVerdict(outcome, summaryOf(checks))).toEqual({
      exitCode: 1,
      line: 'conformance: FAILED: 0 failed, 2 not run: see reports/summary.md',
    })
  })

  test('a failed check fails the run', () => {
    const checks = passedChecks().map((c) =>
      c.id === 'image-runs' ? { ...c, status: 'failed' as const } : c,
    )
    expect(exitVerdict(outcome, summaryOf(checks)).line).toBe(
      'conformance: FAILED: 1 failed, 0 not run: see reports/summary.md',
    )
  })

  test('a filtered run says so in the summary and fails when checks did not run', () => {
    const summary = summaryOf(passedChecks().slice(0, 1), 'files matching suites/00-preflight.e2e.ts')
    expect(summary.filtered).toBe('files matching suites/00-preflight.e2e.ts')
    expect(summary.notes.join('\n')).toMatch(/^filtered run \(files matching suites\/00-preflight.e2e.ts\)/m)
    expect(exitVerdict(outcome, summary)).toEqual({
      exitCode: 1,
      line: 'conformance: FAILED (filtered run: files matching suites/00-preflight.e2e.ts): 0 failed, 11 not run: see reports/summary.md',
    })
  })

  test('Ctrl-C: non-zero (130) even when every recorded check passed', () => {
    expect(exitVerdict({ ...outcome, signal: 'SIGINT', vitestExitCode: 130 }, summaryOf())).toEqual({
      exitCode: 130,
      line: 'conformance: FAILED (interrupted by SIGINT): 0 failed, 0 not run: see reports/summary.md',
    })
    expect(exitVerdict({ ...outcome, signal: 'SIGTERM' }, summaryOf()).exitCode).toBe(143)
  })

  test('every check passed but vitest failed (a chapter assertion outside the checks): non-zero', () => {
    expect(exitVerdict({ ...outcome, vitestExitCode: 1 }, summaryOf()).exitCode).toBe(1)
  })

  test("no summary, or another run's: non-zero, saying why", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-verdict-'))
    const missing = readRunSummary(dir, 'rmwzijose')
    expect(exitVerdict(outcome, missing)).toEqual({
      exitCode: 1,
      line: `conformance: FAILED: no summary of this run: ${path.join(dir, 'summary.json')} was not written: see the output above`,
    })
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summaryOf()))
    expect(readRunSummary(dir, 'rmwzijose')).toMatchObject({ runId: 'rmwzijose', passed: true })
    expect((readRunSummary(dir, 'rother') as Error).message).toMatch(
      /is from run rmwzijose, not this run \(rother\)/,
    )
  })
})
