// The benchmark's per-mode piece figures: medians over samples, and the progress line.
import { describe, expect, test } from 'vitest'
import { medianPieces, piecesLine } from '../../../helpers/benchmark/cold-start.ts'

describe('medianPieces', () => {
  test('per route, the median of each figure over the samples that have the route', () => {
    const m = medianPieces([
      {
        parent: { count: 17, medianMs: 40, maxMs: 100 },
        'source-small-range': { count: 3, medianMs: 30, maxMs: 36 },
      },
      { parent: { count: 17, medianMs: 50, maxMs: 120 } },
      { parent: { count: 16, medianMs: 90, maxMs: 300 } },
      undefined,
    ])
    expect(m).toEqual({
      'source-small-range': { count: 3, medianMs: 30, maxMs: 36 },
      parent: { count: 17, medianMs: 50, maxMs: 120 },
    })
  })

  test('no sample with pieces is undefined; the line names counts and times', () => {
    expect(medianPieces([undefined])).toBeUndefined()
    expect(
      piecesLine({
        'source-small-range': { count: 3, medianMs: 30.4, maxMs: 36 },
        parent: { count: 17, medianMs: 45, maxMs: 105 },
      }),
    ).toBe(
      '3 small-range from the source (median 30 ms, max 36 ms), 17 from parents (median 45 ms, max 105 ms)',
    )
  })
})
