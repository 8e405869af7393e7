// A run's report files are replaced at its start, so nothing in reports/ can come from an earlier
// run (Allure merges every result file it finds; a stale diagnostics bundle looks like this run's).
import { rmSync } from 'node:fs'
import path from 'node:path'
import { CHART_PNG, CHART_SVG } from '../report/chart-files.ts'

/** Everything under the reports directory that a conformance run writes. */
export const RUN_OUTPUTS = [
  'allure-results',
  'allure-report',
  'diagnostics',
  'junit.xml',
  'summary.json',
  'summary.md',
  'run-state.json',
  'faults.json',
  'scale',
  'node-configs',
  CHART_PNG,
  CHART_SVG,
] as const

/** Removes the earlier run's outputs; returns the paths that were there. */
export function clearRunReports(reportsDir: string): string[] {
  const removed: string[] = []
  for (const name of RUN_OUTPUTS) {
    const file = path.join(reportsDir, name)
    try {
      rmSync(file, { recursive: true })
      removed.push(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return removed
}
