// The scale statistics: spreads per point, the least-squares slope of origin bytes over N (per mode
// and pattern), verdict counts, peaks per component, and the stability distribution.
import { describe, expect, test } from 'vitest'
import {
  componentPeaks,
  scaleFit,
  scaleFits,
  scalePoint,
  scalePoints,
  spreadOf,
  stabilitySummary,
} from '../../../helpers/benchmark/scale-stats.ts'
import { LAYER, MiB, peaks, sample, series } from './scale-fixtures.ts'

describe('per point', () => {
  test('min / median / max over the repetitions; samples that failed are counted, not measured', () => {
    expect(spreadOf([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 })
    expect(spreadOf([])).toBeUndefined()
    const samples = [
      sample({ n: 2, mode: 'direct', originBytes: 2 * LAYER, lastNodeMs: 3000 }),
      sample({ n: 2, mode: 'direct', rep: 2, originBytes: 2.2 * LAYER, lastNodeMs: 2000 }),
      sample({
        n: 2,
        mode: 'direct',
        rep: 3,
        originBytes: 9 * LAYER,
        error: 'the image did not run on worker2',
      }),
      sample({ n: 2, mode: 'dragonfly', originBytes: LAYER }),
    ]
    const p = scalePoint(2, 'direct', 'concurrent', samples)
    expect(p.samples).toBe(3)
    expect(p.measured).toBe(2)
    expect(p.originBytes).toEqual({ min: 2 * LAYER, median: 2.1 * LAYER, max: 2.2 * LAYER })
    expect(p.lastNodeMs).toEqual({ min: 2000, median: 2500, max: 3000 })
    expect(p.attributedAmplification).toBeUndefined()
  })

  test('verdict counts per check, the cannot-judge ones apart', () => {
    const v = (status: 'passed' | 'failed' | 'cannot judge') => ({ status, diagnosis: status })
    const samples = [
      sample({
        n: 2,
        mode: 'dragonfly',
        verdicts: { 'single-back-to-source': v('passed'), 'task-succeeded': v('passed') },
      }),
      sample({
        n: 2,
        mode: 'dragonfly',
        rep: 2,
        verdicts: { 'single-back-to-source': v('failed'), 'task-succeeded': v('cannot judge') },
      }),
    ]
    expect(scalePoint(2, 'dragonfly', 'concurrent', samples).verdicts).toEqual({
      'single-back-to-source': { passed: 1, failed: 1, 'cannot judge': 0 },
      'task-succeeded': { passed: 1, failed: 0, 'cannot judge': 1 },
    })
  })

  test('peaks: the busiest instance of each component per sample, then the spread over samples', () => {
    expect(componentPeaks(peaks).dfdaemon).toEqual({ memBytes: 140 * MiB, cpuPercent: 80 })
    const samples = [
      sample({ n: 2, mode: 'dragonfly', resources: peaks }),
      sample({
        n: 2,
        mode: 'dragonfly',
        rep: 2,
        resources: peaks.map((p) => ({ ...p, peakMemBytes: p.peakMemBytes * 2 })),
      }),
    ]
    const r = scalePoint(2, 'dragonfly', 'concurrent', samples).resources
    expect(r.dfdaemon!.memBytes).toEqual({ min: 140 * MiB, median: 210 * MiB, max: 280 * MiB })
    expect(r['seed-peer']!.cpuPercent).toEqual({ min: 95, median: 95, max: 95 })
    expect(r.container).toBeDefined()
  })

  test('points in the order N, mode, pattern, only those with samples', () => {
    const samples = [...series('direct', LAYER, [1, 2], 1), ...series('dragonfly', 0, [2], 1)]
    const pts = scalePoints(samples, [1, 2], ['dragonfly', 'direct'], ['concurrent', 'sequential'])
    expect(pts.map((p) => `${p.n} ${p.mode} ${p.pattern}`)).toEqual([
      '1 direct concurrent',
      '2 dragonfly concurrent',
      '2 direct concurrent',
    ])
  })
})

describe('fitted slope of origin bytes over N', () => {
  test('direct pulls: one layer per added node; Dragonfly: the per-node small-range reads', () => {
    const ns = [1, 2, 4, 8]
    const samples = [
      ...series('direct', LAYER, ns, 3, 0.5 * MiB),
      ...series('dragonfly', 7 * MiB, ns, 3, 0.5 * MiB),
    ]
    const direct = scaleFit(samples, 'direct', 'concurrent')
    expect(direct.ns).toEqual(ns)
    expect(direct.samples).toBe(12)
    expect(direct.slopeBytesPerNode! / MiB).toBeCloseTo(66.5, 6)
    expect(direct.slopeShareOfLayer).toBeCloseTo(1, 6)
    expect(direct.interceptBytes! / MiB).toBeCloseTo(0, 6)
    const p2p = scaleFit(samples, 'dragonfly', 'concurrent')
    expect(p2p.slopeBytesPerNode! / MiB).toBeCloseTo(7, 6)
    expect(p2p.slopeShareOfLayer).toBeCloseTo(7 / 66.5, 6)
    expect(p2p.r2).toBeGreaterThan(0.99)
  })

  test('by hand: points (1, 10), (2, 12), (3, 17) give slope 3.5, intercept 6', () => {
    const samples = [
      sample({ n: 1, mode: 'direct', originBytes: 10, largeLayerBytes: 7 }),
      sample({ n: 2, mode: 'direct', originBytes: 12, largeLayerBytes: 7 }),
      sample({ n: 3, mode: 'direct', originBytes: 17, largeLayerBytes: 7 }),
    ]
    const f = scaleFit(samples, 'direct', 'concurrent')
    expect(f.slopeBytesPerNode).toBeCloseTo(3.5, 10)
    expect(f.interceptBytes).toBeCloseTo(6, 10)
    expect(f.slopeShareOfLayer).toBeCloseTo(0.5, 10)
    // residuals 0.5, -1, 0.5 over a total sum of squares of 26: 1 - 1.5/26
    expect(f.r2).toBeCloseTo(1 - 1.5 / 26, 10)
  })

  test('one N cannot give a slope; failed samples are not fitted; flat bytes give no r²', () => {
    const one = scaleFit(series('direct', LAYER, [2], 3), 'direct', 'concurrent')
    expect(one).toMatchObject({ ns: [2], slopeBytesPerNode: null, slopeShareOfLayer: null, r2: null })
    const withError = [
      ...series('direct', LAYER, [1, 2], 1),
      sample({ n: 4, mode: 'direct', originBytes: 100 * LAYER, error: 'x' }),
    ]
    expect(scaleFit(withError, 'direct', 'concurrent').ns).toEqual([1, 2])
    const flat = scaleFit(series('dragonfly', 0, [1, 2, 4], 1), 'dragonfly', 'concurrent')
    expect(flat.slopeBytesPerNode).toBeCloseTo(0, 6)
    expect(flat.r2).toBeNull()
    expect(scaleFits([], ['dragonfly', 'direct'], ['concurrent', 'sequential'])).toHaveLength(4)
  })

  test('stability runs are not fitted', () => {
    const samples = [
      ...series('dragonfly', 7 * MiB, [1, 2], 1),
      sample({ kind: 'stability', n: 2, mode: 'dragonfly', originBytes: 50 * LAYER }),
    ]
    expect(scaleFit(samples, 'dragonfly', 'concurrent').slopeBytesPerNode! / MiB).toBeCloseTo(7, 6)
  })
})

describe('stability series', () => {
  test('quartiles of raw and attributed amplification, and how often single back-to-source passed', () => {
    const raws = [1.3, 1.25, 1.5, 1.27, 1.29]
    const runs = raws.map((raw, i) =>
      sample({
        kind: 'stability',
        n: 2,
        mode: 'dragonfly',
        rep: i + 1,
        rawAmplification: raw,
        attributedAmplification: raw - 0.25,
        verdicts: { 'single-back-to-source': { status: i === 2 ? 'failed' : 'passed', diagnosis: '' } },
      }),
    )
    const s = stabilitySummary([...runs, sample({ n: 2, mode: 'dragonfly' })])!
    expect(s.runs).toBe(5)
    expect(s.raw).toMatchObject({ min: 1.25, q1: 1.27, median: 1.29, q3: 1.3, max: 1.5, values: raws })
    expect(s.attributed!.median).toBeCloseTo(1.04, 10)
    expect(s.singleBackToSourcePassed).toBe(4)
    expect(stabilitySummary(series('direct', 0, [1], 1))).toBeUndefined()
  })
})
