// The upgrade's AFTER summary carries the daemons' footprint read after its fresh pull, so `compare`
// holds it against BEFORE's (the gate of 2026-12-05 showed "no daemon footprint in AFTER" before).
// Inputs: the real local summary with a footprint and the baseline entry of a real fault catalog run.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import type { FaultResult } from '../../../helpers/faults/result.ts'
import { compareSummaries } from '../../../helpers/report/compare.ts'
import { parseSummary } from '../../../helpers/report/summary-schema.ts'
import { afterSummary } from '../../../helpers/upgrade/after-summary.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const read = (f: string) => parseSummary(readFileSync(path.join(ROOT, 'fixtures/run', f), 'utf8'))
const BEFORE = read('summary-local-footprint-2026-12-05.json')
const BASELINE = read('summary-local-gate-2026-12-05.json').faults!.find(
  (f) => f.id === 'baseline',
) as FaultResult

const after = (footprint = BEFORE.footprint) =>
  afterSummary({
    before: BEFORE,
    finishedAt: new Date('2026-12-05T23:00:00Z'),
    pull: BASELINE,
    ready: { passed: true, diagnosis: 'every component serving' },
    tools: BEFORE.versions.tools,
    chart: BEFORE.versions.chart,
    ran: BEFORE.versions.ran,
    notes: [],
    footprint,
  })

describe('the upgrade AFTER summary', () => {
  test('carries the footprint, and compare holds it against BEFORE', () => {
    const summary = after()
    expect(summary.footprint).toEqual(BEFORE.footprint)
    const c = compareSummaries({ source: 'before', summary: BEFORE }, { source: 'after', summary })
    const memory = c.figures.find((f) => f.id === 'footprint.dfdaemon.peakMemory')!
    expect(memory).toMatchObject({ before: 100216832, after: 100216832, result: 'within tolerance' })
  })

  test('no footprint read (every node unreadable): the field is absent, compare says AFTER lacks it', () => {
    const summary = after([])
    expect(summary.footprint).toBeUndefined()
    const c = compareSummaries({ source: 'before', summary: BEFORE }, { source: 'after', summary })
    expect(c.figures.find((f) => f.id === 'footprint.dfdaemon.peakMemory')).toMatchObject({
      result: 'not compared',
      note: 'no daemon footprint in AFTER',
    })
  })
})
