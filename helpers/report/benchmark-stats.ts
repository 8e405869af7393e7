// Turns raw samples into the numbers the report shows: median, spread, ratio to OCIv1.
import type { BenchmarkMode, BenchmarkResult, BenchmarkSpread } from './benchmark-types.ts'

/** The q-quantile (0..1) of sorted values, by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples')
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  const a = sorted[lo]!
  const b = sorted[hi]!
  return a + (b - a) * (pos - lo)
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((x, y) => x - y),
    0.5,
  )
}

export function spread(values: readonly number[]): BenchmarkSpread {
  const sorted = [...values].sort((x, y) => x - y)
  return {
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    q1Ms: quantile(sorted, 0.25),
    q3Ms: quantile(sorted, 0.75),
  }
}

/**
 * One (image, mode) result from its samples. `originBytes` is one value per sample (the median is
 * kept) or already one number. The ratio to OCIv1 is filled in by withOciRatios.
 */
export function benchmarkResult(
  mode: BenchmarkMode,
  samplesMs: number[],
  originBytes: number | number[],
  note?: string,
): BenchmarkResult {
  if (samplesMs.length === 0) throw new Error(`benchmark ${mode}: no samples`)
  const bytes = Array.isArray(originBytes) ? Math.round(median(originBytes)) : originBytes
  return {
    mode,
    samplesMs,
    medianMs: median(samplesMs),
    spread: spread(samplesMs),
    originBytes: bytes,
    ratioToOci: null,
    ...(note ? { note } : {}),
  }
}

/** Sets each result's ratioToOci (median / OCIv1 median); null where OCIv1 is missing. */
export function withOciRatios(results: BenchmarkResult[]): BenchmarkResult[] {
  const oci = results.find((r) => r.mode === 'oci')
  return results.map((r) => ({
    ...r,
    ratioToOci: oci && oci.medianMs > 0 ? Number((r.medianMs / oci.medianMs).toFixed(3)) : null,
  }))
}
