// A run starts with no report files of an earlier run, so a report cannot mix runs.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { clearRunReports } from '../../../helpers/run/clear-reports.ts'

describe('clearRunReports', () => {
  test("removes the earlier run's results, diagnostics and summaries, and nothing else", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-reports-'))
    mkdirSync(path.join(dir, 'allure-results'))
    writeFileSync(path.join(dir, 'allure-results', 'old-result.json'), '{}')
    mkdirSync(path.join(dir, 'diagnostics', 'd7y-stargz-worker'), { recursive: true })
    for (const f of [
      'summary.json',
      'summary.md',
      'junit.xml',
      'run-state.json',
      'cold-start.png',
      'keep.txt',
    ])
      writeFileSync(path.join(dir, f), 'old')
    const removed = clearRunReports(dir)
    expect(removed).toHaveLength(7)
    expect(readdirSync(dir)).toEqual(['keep.txt'])
  })

  test('an empty or missing reports directory is fine', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'd7y-reports-')), 'absent')
    expect(clearRunReports(dir)).toEqual([])
    expect(existsSync(dir)).toBe(false)
  })
})
