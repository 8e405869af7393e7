// The JUnit and Allure results are the conformance run's: the project's own tests must not write
// into reports/ (they were 384 of a run's ~400 Allure results).
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { reportersFor } from '../../../helpers/run/reporters.ts'
import { RUN_REPORTS_ENV } from '../../../helpers/run/run-env.ts'

const names = (reporters: unknown) =>
  (Array.isArray(reporters) ? reporters : [reporters]).map((r) => (Array.isArray(r) ? r[0] : r))

describe('reporters', () => {
  test('the unit and report projects run with the console reporter only', async () => {
    expect(process.env[RUN_REPORTS_ENV]).toBeUndefined()
    const config = (await import('../../../vitest.config.ts')).default
    expect(names(config.test?.reporters)).toEqual(['default'])
  })

  test('the conformance runner gets JUnit and Allure results in the run reports directory', () => {
    expect(reportersFor({ [RUN_REPORTS_ENV]: '/tmp/r' })).toEqual([
      'default',
      ['junit', { outputFile: path.join('/tmp/r', 'junit.xml') }],
      ['allure-vitest/reporter', { resultsDir: path.join('/tmp/r', 'allure-results') }],
    ])
  })
})
