// Medians, quartiles and the ratio to OCIv1 the benchmark chapter records.
import { describe, expect, test } from 'vitest'
import {
  benchmarkResult,
  median,
  quantile,
  spread,
  withOciRatios,
} from '../../../helpers/report/benchmark-stats.ts'
import { benchmarkReportSchema } from '../../../helpers/report/benchmark-types.ts'
import { benchmark } from './fixtures.ts'

describe('benchmark statistics', () => {
  test('median of odd and even counts, in any order', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
  })

  test('quartiles interpolate between ranks; one sample is its own spread', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    expect(spread([10, 40, 20, 30])).toEqual({ minMs: 10, maxMs: 40, q1Ms: 17.5, q3Ms: 32.5 })
    expect(spread([5])).toEqual({ minMs: 5, maxMs: 5, q1Ms: 5, q3Ms: 5 })
    expect(() => median([])).toThrow('quantile of no samples')
  })

  test('a result keeps its samples and the median origin bytes; ratios follow the OCIv1 median', () => {
    const r = benchmarkResult('stargz', [3000, 3400, 2900], [100, 300, 200], 'one sample fell back')
    expect(r).toMatchObject({
      medianMs: 3000,
      originBytes: 200,
      ratioToOci: null,
      note: 'one sample fell back',
    })
    const [oci, lazy] = withOciRatios([benchmarkResult('oci', [9000, 10000, 11000], 5), r])
    expect(oci?.ratioToOci).toBe(1)
    expect(lazy?.ratioToOci).toBe(0.3)
    expect(withOciRatios([r])[0]?.ratioToOci).toBeNull()
    expect(() => benchmarkResult('oci', [], 0)).toThrow('benchmark oci: no samples')
  })

  test('the fixture benchmark is what the schema accepts', () => {
    expect(benchmarkReportSchema.parse(benchmark)).toEqual(benchmark)
  })
})
