// writeReports at the end of a run: every file next to summary.json, the step summary appended,
// and a chart that can't be drawn costs only the chart.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest'
import { writeColdStartChart } from '../../../helpers/report/chart-files.ts'
import { buildSummary } from '../../../helpers/report/summary.ts'
import { writeReportFiles, writeReports } from '../../../helpers/report/write-reports.ts'
import { benchmark, FINISHED, runState, testConfig } from './fixtures.ts'

const dirs: string[] = []
function reportsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-reports-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
afterEach(() => void vi.unstubAllEnvs())

describe('writeReports', () => {
  test('without a benchmark: summary.json, summary.md and the Allure environment; returns summary.json', () => {
    const dir = reportsDir()
    const config = testConfig('local', { D7Y_REPORTS_DIR: dir })
    const summary = buildSummary(config, runState(), FINISHED)
    // as in a GitHub Actions job: the step summary file comes from the environment
    const stepSummary = path.join(dir, 'step-summary.md')
    vi.stubEnv('GITHUB_STEP_SUMMARY', stepSummary)
    const file = writeReports(config, summary)
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/^# Dragonfly \+ stargz conformance: ✅ PASSED/)
    expect(file).toBe(path.join(dir, 'summary.json'))
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(summary)
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(
      /^# Dragonfly \+ stargz conformance: ✅ PASSED/,
    )
    expect(readFileSync(path.join(dir, 'allure-results/environment.properties'), 'utf8')).toContain(
      'tool.stargz=v0.18.2\n',
    )
    expect(existsSync(path.join(dir, 'cold-start.png'))).toBe(false)
  })

  test('with a benchmark: the chart beside summary.md, linked relatively; the step summary names it', async () => {
    const dir = reportsDir()
    const stepSummary = path.join(dir, 'step-summary.md')
    writeFileSync(stepSummary, '# earlier step\n')
    const config = testConfig('local', { D7Y_REPORTS_DIR: dir })
    const summary = buildSummary(config, runState({ benchmark }), FINISHED)
    // the in-process renderer, drawn ahead (the default draws the same in a child process)
    const chart = await writeColdStartChart(dir, benchmark)
    const files = writeReportFiles(config, summary, { stepSummary, drawChart: () => chart })
    expect(files.problems).toEqual([])
    expect(files.chart).toEqual(chart)
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8')
    expect(md).toContain('](cold-start.png)')
    expect(md).toContain('[SVG](cold-start.svg)')
    const step = readFileSync(stepSummary, 'utf8')
    expect(step.startsWith('# earlier step\n# Dragonfly + stargz conformance')).toBe(true)
    expect(step).not.toContain('](cold-start.png)')
    expect(step).toContain(`_The chart is ${path.join(dir, 'cold-start.png')} in the run's reports._`)
  }, 30_000)

  test('a chart that fails is named in summary.md and in the problems; the rest is written', () => {
    const dir = reportsDir()
    const config = testConfig('local', { D7Y_REPORTS_DIR: dir })
    const summary = buildSummary(config, runState({ benchmark }), FINISHED)
    const files = writeReportFiles(config, summary, {
      stepSummary: '',
      drawChart: () => {
        throw new Error('resvg: out of memory')
      },
    })
    expect(files.problems).toEqual(['cold-start chart: resvg: out of memory'])
    expect(files.chart).toBeUndefined()
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain(
      '_No chart: cold-start chart: resvg: out of memory_',
    )
    expect(files.allureEnvironment).toBe(path.join(dir, 'allure-results/environment.properties'))
    expect(files.stepSummary).toBeUndefined()
  })
})
