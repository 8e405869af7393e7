// Everything a run leaves for people, written at its end (passed, failed or interrupted):
// summary.json, the cold-start chart, summary.md, Allure's environment.properties, and the GitHub
// step summary. Synchronous, so it also works from a signal handler. Only summary.json may throw:
// a failure of any other part is reported on stderr and in summary.md, and the rest still happens.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../run/config.ts'
import { writeAllureEnvironment } from './allure-environment.ts'
import { CHART_PNG, CHART_SVG, writeColdStartChartSync, type ChartFiles } from './chart-files.ts'
import { summaryMarkdown, type MarkdownOptions } from './markdown.ts'
import { writeSummary, type Summary } from './summary.ts'

export interface ReportFiles {
  summaryJson: string
  summaryMd?: string
  /** the fault catalog's matrix (reports/faults.json), when it ran */
  faultsJson?: string
  chart?: ChartFiles
  allureEnvironment?: string
  /** the $GITHUB_STEP_SUMMARY file appended to */
  stepSummary?: string
  /** what could not be written, one line each */
  problems: string[]
}

export interface ReportOptions {
  /** defaults to process.env.GITHUB_STEP_SUMMARY */
  stepSummary?: string
  /** draws the chart (tests may swap in the in-process renderer's output) */
  drawChart?: (dir: string, summary: Summary) => ChartFiles
}

export function allureResultsDir(config: Config): string {
  return path.join(config.reportsDir, 'allure-results')
}

export function writeReportFiles(config: Config, summary: Summary, options: ReportOptions = {}): ReportFiles {
  const files: ReportFiles = { summaryJson: writeSummary(config, summary), problems: [] }
  const attempt = <T>(what: string, work: () => T): T | undefined => {
    try {
      return work()
    } catch (error) {
      files.problems.push(`${what}: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}`)
      return undefined
    }
  }

  const md: MarkdownOptions = {}
  if (summary.benchmark) {
    const benchmark = summary.benchmark
    const draw = options.drawChart ?? ((dir: string) => writeColdStartChartSync(dir, benchmark))
    files.chart = attempt('cold-start chart', () => draw(config.reportsDir, summary))
    if (files.chart) Object.assign(md, { chartImage: CHART_PNG, chartSvg: CHART_SVG })
    else md.chartNote = `No chart: ${files.problems.at(-1) ?? 'it could not be drawn'}`
  }
  if (summary.faults?.length) {
    const faults = summary.faults
    files.faultsJson = attempt('faults.json', () => {
      mkdirSync(config.reportsDir, { recursive: true })
      const file = path.join(config.reportsDir, 'faults.json')
      writeFileSync(file, JSON.stringify({ runId: summary.runId, profile: summary.profile, faults }, null, 2))
      return file
    })
  }
  const markdown = summaryMarkdown(summary, md)
  files.summaryMd = attempt('summary.md', () => {
    mkdirSync(config.reportsDir, { recursive: true })
    const file = path.join(config.reportsDir, 'summary.md')
    writeFileSync(file, markdown)
    return file
  })
  files.allureEnvironment = attempt('Allure environment', () =>
    writeAllureEnvironment(allureResultsDir(config), summary),
  )

  const stepSummary = options.stepSummary ?? process.env.GITHUB_STEP_SUMMARY
  if (stepSummary) {
    // The step summary page can't show the run's files: name them instead of linking.
    const note = files.chart
      ? `The chart is ${path.join(config.reportsDir, CHART_PNG)} in the run's reports.`
      : md.chartNote
    const text = summaryMarkdown(summary, note ? { chartNote: note } : {})
    files.stepSummary = attempt('GitHub step summary', () => {
      appendFileSync(stepSummary, `${text}\n`)
      return stepSummary
    })
  }
  return files
}

/**
 * Drop-in for writeSummary at the end of a run: writes every report file, says on stderr what
 * could not be written, and returns the path of summary.json.
 */
export function writeReports(config: Config, summary: Summary): string {
  const files = writeReportFiles(config, summary)
  for (const problem of files.problems) console.warn(`report: ${problem}`)
  const written = [files.summaryMd, files.chart?.png, files.allureEnvironment].filter(Boolean)
  if (written.length) console.log(`report: ${written.join(', ')}`)
  return files.summaryJson
}
