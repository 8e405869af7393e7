// The flake series' record of each run, on a real run's summary (fixtures/run/summary-local-green.json:
// `D7Y_BENCHMARK=false npm run conformance:local`, 2026-12-05, the first run of the series).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseSummary } from '../../../helpers/report/summary-schema.ts'
import { missingRun, seriesMarkdown, seriesRun } from '../../../helpers/report/series.ts'

const summary = parseSummary(
  readFileSync(path.join(import.meta.dirname, '../../../fixtures/run/summary-local-green.json'), 'utf8'),
)
const meta = { index: 1, droppedCaches: false, exitCode: 0, durationMs: 198_000 }
const about = { date: '2026-12-05', command: 'npm run conformance:local', reset: 'fresh cluster per run' }

describe('flake series', () => {
  test("a green run keeps every check's status and the P2P pull's on-demand figures", () => {
    const r = seriesRun(summary, meta)
    expect(r.passed).toBe(true)
    expect(r.checks['single-back-to-source']).toBe('passed')
    expect(r.red).toEqual([])
    expect(r.layers[0]).toMatchObject({ missedReads: 0, fetchedTwiceBytes: 17_742_176 })
    expect(r.layers[0]!.raw).toBeCloseTo(1.2546, 3)
  })

  test('a run whose exit code is not 0 is red even with a green summary', () => {
    expect(seriesRun(summary, { ...meta, exitCode: 1 }).passed).toBe(false)
  })

  test('a red check is listed with its diagnosis, and the rate counts it', () => {
    const red = parseSummary(JSON.stringify(summary))
    red.checks = red.checks.map((c) =>
      c.id === 'single-back-to-source'
        ? { ...c, status: 'failed', diagnosis: 'the origin served it twice' }
        : c,
    )
    red.passed = false
    const runs = [seriesRun(summary, meta), seriesRun(red, { ...meta, index: 2, droppedCaches: true })]
    const md = seriesMarkdown(runs, about)
    expect(md).toMatch(/\*\*1 of 2 runs red\*\* \(1 with the page cache dropped first\)/)
    expect(md).toMatch(/- `single-back-to-source` failed: the origin served it twice/)
    expect(md).toMatch(
      /\| 1 \| {2}\| ✅ \| 3\.3 min \| 1\.25x \| 1\.00x \| 16\.9 MiB \| 0 \| 16\.9 MiB \| worker 737, worker2 511 \| {2}\|/,
    )
  })

  test('a run without a summary is red', () => {
    const md = seriesMarkdown([missingRun({ ...meta, exitCode: 137 })], about)
    expect(md).toMatch(/\*\*1 of 1 runs red\*\*/)
    expect(md).toMatch(/the run wrote no summary\.json/)
  })
})
