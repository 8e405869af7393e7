// The Allure report as one self-contained HTML file: reports/allure-results → reports/allure-report/
// index.html, built by the Allure 3 CLI (awesome plugin, singleFile). Works on the results of any
// vitest run (unit or conformance); the environment file is added when the run wrote none.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import type { Config } from '../run/config.ts'
import { writeAllureEnvironment } from './allure-environment.ts'
import { buildSummary, type Summary } from './summary.ts'
import { allureResultsDir } from './write-reports.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const ALLURE_CONFIG = fileURLToPath(new URL('./allurerc.json', import.meta.url))

export function allureReportDir(config: Config): string {
  return path.join(config.reportsDir, 'allure-report')
}

/**
 * The report template loads Google Analytics from the network; a conformance report is opened
 * offline and must not call out. Removes the loader and its inline configuration.
 */
export function withoutAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*src="https:\/\/www\.googletagmanager\.com\/[^"]*"[^>]*><\/script>\s*/g, '')
    .replace(/<script>(?:(?!<\/script>)[\s\S])*?gtag\((?:(?!<\/script>)[\s\S])*<\/script>\s*/g, '')
}

/** The summary of the run in the reports directory, or one made from the configuration. */
function currentSummary(config: Config): Summary {
  const file = path.join(config.reportsDir, 'summary.json')
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Summary
  } catch {
    return buildSummary(config, undefined, new Date())
  }
}

export interface AllureHtmlOptions {
  /** where the allure CLI's own output goes (default: this process's stderr) */
  log?: 'inherit' | 'ignore'
}

/** Builds the single-file report and returns the path of its index.html. */
export async function buildAllureHtml(config: Config, options: AllureHtmlOptions = {}): Promise<string> {
  const results = allureResultsDir(config)
  const count = existsSync(results)
    ? readdirSync(results).filter((f) => f.endsWith('-result.json')).length
    : 0
  if (count === 0) throw new Error(`no Allure results in ${results}: run the tests first (npm run test:unit)`)
  if (!existsSync(path.join(results, 'environment.properties')))
    writeAllureEnvironment(results, currentSummary(config))

  const out = allureReportDir(config)
  rmSync(out, { recursive: true, force: true })
  const log = options.log ?? 'inherit'
  await execa('allure', ['generate', results, '--config', ALLURE_CONFIG, '--output', out], {
    preferLocal: true,
    localDir: ROOT,
    stdin: 'ignore',
    stdout: log,
    stderr: log,
    env: { ALLURE_NO_ANALYTICS: 'true' },
  })
  const index = path.join(out, 'index.html')
  if (!existsSync(index)) throw new Error(`allure generate wrote no ${index}`)
  writeFileSync(index, withoutAnalytics(readFileSync(index, 'utf8')))
  return index
}
