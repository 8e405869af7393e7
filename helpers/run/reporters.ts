// The JUnit and Allure results are the conformance run's report. vitest's reporters are set for the
// whole invocation, not per project, so they are on only when the conformance runner asks for them:
// `npm run test:unit` and the report project then leave reports/ alone (they wrote 384 unit results
// into the release manager's Allure report).
import path from 'node:path'
import { RUN_REPORTS_ENV } from './run-env.ts'

export type ReporterSpec = string | [string, Record<string, unknown>]

export function reportersFor(env: NodeJS.ProcessEnv): ReporterSpec[] {
  const dir = env[RUN_REPORTS_ENV]
  if (!dir) return ['default']
  return [
    'default',
    ['junit', { outputFile: path.join(dir, 'junit.xml') }],
    ['allure-vitest/reporter', { resultsDir: path.join(dir, 'allure-results') }],
  ]
}
