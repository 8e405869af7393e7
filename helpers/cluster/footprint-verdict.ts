// Part of a cluster run's verdict: the nodes must be as the run found them. Teardown runs after the
// summary is written, so the runner reads teardown's report (reports/node-footprint.json) itself.
import { readFileSync } from 'node:fs'
import path from 'node:path'

export const FOOTPRINT_REPORT = 'node-footprint.json'

/** undefined: every node as found; else the line that says which node is not, and how. */
export function footprintProblem(reportText: string | undefined): string | undefined {
  if (reportText === undefined)
    return `no ${FOOTPRINT_REPORT}: teardown did not read the nodes again, so it is not shown that they are as found`
  return reportProblem(JSON.parse(reportText) as { node: string; differences: string[] }[])
}

/** The same verdict on a report already in hand. */
export function reportProblem(report: { node: string; differences: string[] }[]): string | undefined {
  if (!report.length) return `${FOOTPRINT_REPORT} names no node`
  const off = report.filter((r) => r.differences.length)
  return off.length
    ? `NODES NOT AS FOUND: ${off.map((r) => `${r.node}: ${r.differences.join('; ')}`).join(' | ')}`
    : undefined
}

/** A report teardown wrote, or undefined when it wrote none. */
export function readReport(reportsDir: string, name: string): string | undefined {
  try {
    return readFileSync(path.join(reportsDir, name), 'utf8')
  } catch {
    return undefined
  }
}

export function readFootprintProblem(reportsDir: string): string | undefined {
  return footprintProblem(readReport(reportsDir, FOOTPRINT_REPORT))
}
