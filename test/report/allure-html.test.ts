// The single-file Allure report as a person sees it: opened from disk in headless Chromium (Debian's
// package), it must show the results that are in reports/allure-results (counts and test names), the
// versions under test, and load nothing from the network. Run `npm run report` first
// (`npm run test:report` does both).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../helpers/run/config.ts'
import { allureReportDir } from '../../helpers/report/allure-html.ts'
import { allureResultsDir } from '../../helpers/report/write-reports.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

interface AllureResult {
  name: string
  /** absent while a test is still running: Allure shows it as "unknown" */
  status?: string
  historyId?: string
  testCaseId?: string
  fullName?: string
  uuid: string
  start?: number
  stop?: number
}

type Shown = AllureResult & { status: string; stop: number }

/** What the report must show: the latest result of each test among those it was built from. */
function expectedResults(resultsDir: string, builtAt: number): Shown[] {
  const latest = new Map<string, Shown>()
  for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('-result.json'))) {
    const r = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8')) as AllureResult
    const shown: Shown = { ...r, status: r.status ?? 'unknown', stop: r.stop ?? r.start ?? 0 }
    if (shown.stop > builtAt) continue // written after the report was built
    const key = r.historyId ?? r.testCaseId ?? r.fullName ?? r.uuid
    const seen = latest.get(key)
    if (!seen || seen.stop < shown.stop) latest.set(key, shown)
  }
  return [...latest.values()]
}

/**
 * The search filters the tree (after a short debounce) but leaves it collapsed: opens collapsed
 * groups until `target` shows, or fails after `timeoutMs`.
 */
async function expandUntil(page: Page, target: Locator, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await target.isVisible())) {
    if (Date.now() > deadline) throw new Error(`not shown after ${timeoutMs} ms: ${target.toString()}`)
    // a group is open when its tree-content follows it
    // only groups on screen: the search re-renders the tree, hiding or replacing the others
    const id = await page.evaluate(() => {
      const sections = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="tree-section"]'))
      const closed = sections.find(
        (s) =>
          s.offsetParent !== null && s.nextElementSibling?.getAttribute('data-testid') !== 'tree-content',
      )
      return closed?.getAttribute('data-tree-node-id') ?? null
    })
    if (id === null) await page.waitForTimeout(200)
    // a group the tree replaced meanwhile is looked up again on the next round
    else
      await page
        .locator(`[data-tree-node-id="${id}"]`)
        .click({ timeout: 2000 })
        .catch(() => undefined)
  }
}

function properties(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}

describe('the Allure HTML report in Chromium', () => {
  const config = loadConfig()
  const index = path.resolve(allureReportDir(config), 'index.html')
  const resultsDir = allureResultsDir(config)
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'd7y-chromium-'))
  const external: string[] = []
  let context: BrowserContext
  let page: Page
  let expected: Shown[]

  beforeAll(async () => {
    let builtAt: number
    try {
      builtAt = statSync(index).mtimeMs
    } catch {
      throw new Error(`${index} is missing: run \`npm run report\` first`)
    }
    expected = expectedResults(resultsDir, builtAt)
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 1000 },
    })
    // A report opened from disk needs nothing else; record and refuse anything that leaves it.
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (/^(file|data|blob):/.test(url)) return route.continue()
      external.push(url)
      return route.abort()
    })
    page = await context.newPage()
    await page.goto(pathToFileURL(index).href)
    await page.getByTestId('report-title').waitFor({ timeout: 30_000 })
  }, 60_000)

  afterAll(async () => {
    await page?.screenshot({ path: path.join(path.dirname(index), 'screenshot.png'), fullPage: false })
    await context?.close()
    rmSync(profileDir, { recursive: true, force: true })
  })

  test('the report is the conformance report', async () => {
    await expect(page.getByTestId('report-title').innerText()).resolves.toBe('Dragonfly + stargz conformance')
  })

  test('the counts are those of the results: total and each status', async () => {
    expect(expected.length).toBeGreaterThan(0)
    const value = async (id: string) =>
      Number(await page.getByTestId(id).getByTestId('metadata-value').first().innerText())
    expect(await value('metadata-item-total')).toBe(expected.length)
    const byStatus = new Map<string, number>()
    for (const r of expected) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
    for (const [status, count] of byStatus) expect(await value(`metadata-item-${status}`), status).toBe(count)
  })

  test('test names are found with their status: the first and last passed, and a failed one if any', async () => {
    const passed = expected.filter((r) => r.status === 'passed')
    const failed = expected.find((r) => r.status === 'failed')
    const picks = [passed[0], passed[passed.length - 1], failed].filter((r): r is Shown => !!r)
    const search = page.getByTestId('search-input')
    for (const r of picks) {
      await search.fill(r.name)
      const title = page.getByTestId('tree-leaf-title').getByText(r.name, { exact: true })
      const leaf = page.getByTestId('tree-leaf').filter({ has: title }).first()
      await expandUntil(page, leaf)
      await expect(leaf.getByTestId(`tree-leaf-status-${r.status}`).count(), r.name).resolves.toBe(1)
    }
    await search.fill('')
  }, 60_000)

  test('the environment lists the profile and every version under test', async () => {
    const env = properties(path.join(resultsDir, 'environment.properties'))
    const more = page.getByText('Show more', { exact: true })
    if (await more.count()) await more.first().click()
    const items = page.getByTestId('metadata-item')
    const shown = new Map<string, string>()
    for (const item of await items.all()) {
      const key = await item.getByTestId('metadata-item-key').innerText()
      shown.set(key.trim(), (await item.getByTestId('metadata-item-value').innerText()).trim())
    }
    expect(env.size).toBeGreaterThan(5)
    for (const [key, value] of env) expect(shown.get(key), key).toBe(value)
  })

  test('nothing was requested from the network', () => {
    expect(external).toEqual([])
  })
})
