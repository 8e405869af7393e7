// `npm run report`'s builder: the Allure 3 CLI turns a results directory into one HTML file that
// carries the results and the environment and loads nothing from the network.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { buildAllureHtml, withoutAnalytics } from '../../../helpers/report/allure-html.ts'
import { testConfig } from './fixtures.ts'

const TEMPLATE_TAIL = `    <div id="app"></div>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', { "report": "awesome" });
    </script>
    <script>window.allureReportData = {}</script>
</body>`

function result(name: string, status: 'passed' | 'failed', start: number) {
  return {
    uuid: `00000000-0000-4000-8000-${String(start).padStart(12, '0')}`,
    historyId: `history-${name}`,
    name,
    fullName: `report-fixture#${name}`,
    status,
    stage: 'finished',
    start,
    stop: start + 25,
    labels: [{ name: 'suite', value: 'report fixture' }],
    steps: [],
    attachments: [],
    parameters: [],
    links: [],
  }
}

describe('Allure single-file HTML', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  test('the analytics loader and its inline configuration are removed, nothing else', () => {
    const html = withoutAnalytics(TEMPLATE_TAIL)
    expect(html).not.toContain('googletagmanager')
    expect(html).not.toContain('gtag')
    expect(html).toContain('<div id="app"></div>')
    expect(html).toContain('<script>window.allureReportData = {}</script>')
    expect(withoutAnalytics(html)).toBe(html)
  })

  test('builds reports/allure-report/index.html from a results directory, with the environment', async () => {
    const reports = mkdtempSync(path.join(os.tmpdir(), 'd7y-allure-'))
    dirs.push(reports)
    const results = path.join(reports, 'allure-results')
    mkdirSync(results)
    const t0 = Date.parse('2026-11-27T21:00:00Z')
    const fixtures = [
      result('summary.md lists every check', 'passed', t0),
      result('the chart has one bar per image and mode', 'passed', t0 + 100),
      result('merge folds reruns', 'failed', t0 + 200),
    ]
    for (const r of fixtures) writeFileSync(path.join(results, `${r.uuid}-result.json`), JSON.stringify(r))

    const index = await buildAllureHtml(testConfig('kind', { D7Y_REPORTS_DIR: reports }), { log: 'ignore' })
    expect(index).toBe(path.join(reports, 'allure-report', 'index.html'))
    // one self-contained page: no script or style files beside it
    expect(readdirSync(path.dirname(index)).filter((f) => /\.(js|css)$/.test(f))).toEqual([])
    const html = readFileSync(index, 'utf8')
    expect(html).not.toContain('googletagmanager')
    // the environment file was written from the configuration, since no run wrote one
    expect(readFileSync(path.join(results, 'environment.properties'), 'utf8')).toMatch(/^profile=kind\n/)
  }, 120_000)

  test('an empty results directory is refused with a hint', async () => {
    const reports = mkdtempSync(path.join(os.tmpdir(), 'd7y-allure-'))
    dirs.push(reports)
    await expect(buildAllureHtml(testConfig('local', { D7Y_REPORTS_DIR: reports }))).rejects.toThrow(
      /^no Allure results in .*allure-results: run the tests first \(npm run test:unit\)$/,
    )
  })
})
