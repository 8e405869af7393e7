// reports/scale/: scale.json (every sample's raw data, the points, the fits), summary.md and the two
// charts. The JSON is rewritten after every sample; the tables and charts when the chapter ends.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { writeScaleCharts } from './scale-chart.ts'
import { scaleMarkdown } from './scale-markdown.ts'
import type { ScaleReport } from './scale-types.ts'

export const SCALE_DIR = 'scale'
export const SCALE_JSON = 'scale.json'
export const SCALE_SUMMARY = 'summary.md'

export function scaleDir(reportsDir: string): string {
  return path.join(reportsDir, SCALE_DIR)
}

/** Removes an earlier run's scale outputs, so the directory never mixes runs. */
export function clearScaleReports(reportsDir: string): void {
  rmSync(scaleDir(reportsDir), { recursive: true, force: true })
}

export function writeScaleJson(reportsDir: string, report: ScaleReport): string {
  const dir = scaleDir(reportsDir)
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, SCALE_JSON)
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  return file
}

/** Everything: the JSON, the tables, the charts (a chart that fails to draw is reported, not fatal). */
export async function writeScaleReport(
  reportsDir: string,
  report: ScaleReport,
): Promise<{ files: string[]; chartError?: string }> {
  const dir = scaleDir(reportsDir)
  const files = [writeScaleJson(reportsDir, report)]
  const md = path.join(dir, SCALE_SUMMARY)
  writeFileSync(md, scaleMarkdown(report))
  files.push(md)
  try {
    files.push(...(await writeScaleCharts(dir, report)))
    return { files }
  } catch (err) {
    return { files, chartError: (err as Error).message }
  }
}
