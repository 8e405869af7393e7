// The scale benchmark's arithmetic: min/median/max per point over its repetitions, the least-squares
// slope of origin bytes over N per mode and pattern, and the stability series' distribution.
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics'
import type { PullPattern } from '../run/pull-phase.ts'
import { median, quantile } from '../report/benchmark-stats.ts'
import {
  SCALE_CHECKS,
  type ResourcePeak,
  type ScaleFit,
  type ScaleMode,
  type ScalePoint,
  type ScaleSample,
  type ScaleVerdictStatus,
  type Spread,
  type StabilitySummary,
} from '../report/scale-types.ts'

export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) }
}

const measured = (s: ScaleSample) => s.error === undefined

/** Per component kind: the sample's peak over that kind's instances (e.g. the busiest dfdaemon). */
export function componentPeaks(
  resources: ResourcePeak[],
): Partial<Record<ResourcePeak['component'], { memBytes: number; cpuPercent: number }>> {
  const out: Partial<Record<ResourcePeak['component'], { memBytes: number; cpuPercent: number }>> = {}
  for (const r of resources) {
    const o = (out[r.component] ??= { memBytes: 0, cpuPercent: 0 })
    o.memBytes = Math.max(o.memBytes, r.peakMemBytes)
    o.cpuPercent = Math.max(o.cpuPercent, r.peakCpuPercent)
  }
  return out
}

/** The point of one (N, mode, pattern) from its samples (the scale kind only). */
export function scalePoint(
  n: number,
  mode: ScaleMode,
  pattern: PullPattern,
  samples: ScaleSample[],
): ScalePoint {
  const mine = samples.filter(
    (s) => s.kind === 'scale' && s.n === n && s.mode === mode && s.pattern === pattern,
  )
  const ok = mine.filter(measured)
  const of = (f: (s: ScaleSample) => number | undefined) =>
    spreadOf(ok.map(f).filter((v): v is number => v !== undefined))
  const verdicts: ScalePoint['verdicts'] = {}
  for (const check of SCALE_CHECKS)
    for (const s of mine) {
      const v = s.verdicts?.[check]
      if (!v) continue
      const counts = (verdicts[check] ??= { passed: 0, failed: 0, 'cannot judge': 0 } as Record<
        ScaleVerdictStatus,
        number
      >)
      counts[v.status]++
    }
  const resources: ScalePoint['resources'] = {}
  const peaks = ok.map((s) => componentPeaks(s.resources))
  for (const kind of ['dfdaemon', 'seed-peer', 'scheduler', 'container'] as const) {
    const mem = spreadOf(peaks.flatMap((p) => (p[kind] ? [p[kind].memBytes] : [])))
    const cpu = spreadOf(peaks.flatMap((p) => (p[kind] ? [p[kind].cpuPercent] : [])))
    if (mem && cpu) resources[kind] = { memBytes: mem, cpuPercent: cpu }
  }
  const point: ScalePoint = {
    n,
    mode,
    pattern,
    samples: mine.length,
    measured: ok.length,
    verdicts,
    resources,
  }
  const fields = {
    lastNodeMs: of((s) => s.lastNodeMs),
    p50Ms: of((s) => s.p50Ms),
    maxMs: of((s) => s.maxMs),
    originBytes: of((s) => s.originBytes),
    rawAmplification: of((s) => s.rawAmplification),
    attributedAmplification: of((s) => s.attributedAmplification),
  }
  for (const [k, v] of Object.entries(fields)) if (v) Object.assign(point, { [k]: v })
  return point
}

/** Every measured (N, mode, pattern), in the order N, mode, pattern. */
export function scalePoints(
  samples: ScaleSample[],
  ns: number[],
  modes: readonly ScaleMode[],
  patterns: readonly PullPattern[],
): ScalePoint[] {
  return ns.flatMap((n) =>
    modes.flatMap((mode) =>
      patterns.flatMap((pattern) => {
        const p = scalePoint(n, mode, pattern, samples)
        return p.samples > 0 ? [p] : []
      }),
    ),
  )
}

/**
 * Least squares of origin bytes over N for one mode and pattern, over every measured sample (not
 * the medians: each repetition is an observation). The slope is what each additional node costs
 * the origin; its share of the large layers' size is the number to compare across modes (about 1
 * for direct pulls, near 0 when P2P shares the layer).
 */
export function scaleFit(samples: ScaleSample[], mode: ScaleMode, pattern: PullPattern): ScaleFit {
  const mine = samples.filter(
    (s) => s.kind === 'scale' && s.mode === mode && s.pattern === pattern && measured(s),
  )
  const ns = [...new Set(mine.map((s) => s.n))].sort((a, b) => a - b)
  const base = { mode, pattern, ns, samples: mine.length }
  if (ns.length < 2)
    return { ...base, slopeBytesPerNode: null, interceptBytes: null, slopeShareOfLayer: null, r2: null }
  const data = mine.map((s) => [s.n, s.originBytes])
  const { m, b } = linearRegression(data)
  const layer = median(mine.map((s) => s.largeLayerBytes))
  const r2 = rSquared(data, linearRegressionLine({ m, b }))
  return {
    ...base,
    slopeBytesPerNode: m,
    interceptBytes: b,
    slopeShareOfLayer: layer > 0 ? m / layer : null,
    r2: Number.isFinite(r2) ? r2 : null,
  }
}

export function scaleFits(
  samples: ScaleSample[],
  modes: readonly ScaleMode[],
  patterns: readonly PullPattern[],
): ScaleFit[] {
  return modes.flatMap((mode) => patterns.map((pattern) => scaleFit(samples, mode, pattern)))
}

function distribution(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    ...spreadOf(values)!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    values,
  }
}

/** The stability series: raw and attributed amplification over its runs. */
export function stabilitySummary(samples: ScaleSample[]): StabilitySummary | undefined {
  const runs = samples.filter((s) => s.kind === 'stability')
  if (runs.length === 0) return undefined
  const ok = runs.filter(measured)
  const raw = ok.map((s) => s.rawAmplification)
  const attributed = ok.flatMap((s) =>
    s.attributedAmplification === undefined ? [] : [s.attributedAmplification],
  )
  return {
    runs: runs.length,
    measured: ok.length,
    ...(raw.length ? { raw: distribution(raw) } : {}),
    ...(attributed.length ? { attributed: distribution(attributed) } : {}),
    singleBackToSourcePassed: runs.filter((s) => s.verdicts?.['single-back-to-source']?.status === 'passed')
      .length,
  }
}
