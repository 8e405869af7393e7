// The cold-start benchmark's data, as the benchmark chapter records it (RunState.benchmark) and the
// report reads it (summary.json, summary.md, the chart). Times are wall-clock milliseconds of
// "pull + run the version command" on a node whose image state was cleared before each sample.
//
// Filling it from the benchmark chapter (helpers/report/benchmark-stats.ts does the arithmetic):
//   updateState((s) => {
//     s.benchmark = {
//       samples, node: worker.name, measuredAt: new Date().toISOString(),
//       images: [{ name: 'python3', versionCommand: ['python3', '-V'], largeLayerSize,
//         results: withOciRatios([benchmarkResult('oci', ociMs, ociOriginBytes), ...]) }],
//     } satisfies BenchmarkReport
//   })
// buildSummary validates it (benchmarkReportSchema); malformed data becomes a loud note instead.
import { z } from 'zod'
import { PIECE_ROUTES, type PieceRoute as PieceRouteName } from '../evidence/piece-timings.ts'

/** The four ways an image reaches a node, in the order the chart and tables show them. */
export const BENCHMARK_MODES = ['oci', 'stargz', 'stargz-dragonfly-cold', 'stargz-dragonfly-warm'] as const
export type BenchmarkMode = (typeof BENCHMARK_MODES)[number]

/** Legend and table labels, in the integration guide's words. */
export const MODE_LABELS: Record<BenchmarkMode, string> = {
  oci: 'OCIv1 cold boot (overlayfs, full pull from the origin)',
  stargz: 'eStargz cold boot (lazy pull from the origin)',
  'stargz-dragonfly-cold': 'eStargz & Dragonfly cold boot (nothing cached)',
  'stargz-dragonfly-warm': 'eStargz & Dragonfly warm (another node has the blobs)',
}

/** Short labels for narrow places (chart legend, compact tables). */
export const MODE_SHORT: Record<BenchmarkMode, string> = {
  oci: 'OCIv1',
  stargz: 'eStargz',
  'stargz-dragonfly-cold': 'eStargz + Dragonfly (cold)',
  'stargz-dragonfly-warm': 'eStargz + Dragonfly (warm)',
}

export interface BenchmarkSpread {
  minMs: number
  maxMs: number
  /** first and third quartile (linear interpolation); equal to min/max below 4 samples */
  q1Ms: number
  q3Ms: number
}

export interface BenchmarkResult {
  mode: BenchmarkMode
  /** every sample's pull + run wall time, in the order measured */
  samplesMs: number[]
  medianMs: number
  spread: BenchmarkSpread
  /** bytes the origin registry served for one pull in this mode (median over the samples) */
  originBytes: number
  /** medianMs / the OCIv1 median of the same image; null when OCIv1 was not measured */
  ratioToOci: number | null
  /** anything a reader must know about this measurement (a failed sample, a fallback) */
  note?: string
  /**
   * Dragonfly modes: where the large layer's pieces came from on the pulling node and how long each
   * took (dfdaemon's DEBUG log; per route the median over the samples of count, median and max ms)
   */
  pieces?: Partial<Record<PieceRouteName, PieceRouteTiming>>
}

export const PIECE_ROUTE_LABELS: Record<PieceRouteName, string> = {
  'source-small-range': 'from the source, small range (no scheduler)',
  'source-scheduled': 'from the source, scheduled',
  parent: 'from parents (P2P)',
}

export interface PieceRouteTiming {
  count: number
  medianMs: number
  maxMs: number
}

export interface BenchmarkImage {
  /** display name, e.g. "python3" */
  name: string
  /** the eStargz reference that was pulled (the OCIv1 one differs by tag or repository) */
  ref?: string
  /** what was run once pulled, e.g. ["python3", "-V"] */
  versionCommand: string[]
  /** the large layer's compressed size, bytes */
  largeLayerSize: number
  results: BenchmarkResult[]
}

export interface BenchmarkReport {
  /** samples taken per (image, mode) */
  samples: number
  /** where the samples ran, e.g. "d7y-stargz-worker" */
  node?: string
  measuredAt?: string
  images: BenchmarkImage[]
}

const spreadSchema = z.object({
  minMs: z.number(),
  maxMs: z.number(),
  q1Ms: z.number(),
  q3Ms: z.number(),
})

const resultSchema = z.object({
  mode: z.enum(BENCHMARK_MODES),
  samplesMs: z.array(z.number().nonnegative()),
  medianMs: z.number().nonnegative(),
  spread: spreadSchema,
  originBytes: z.number().nonnegative(),
  ratioToOci: z.number().nullable(),
  note: z.string().optional(),
  pieces: z
    .partialRecord(
      z.enum(PIECE_ROUTES),
      z.object({ count: z.number(), medianMs: z.number(), maxMs: z.number() }),
    )
    .optional(),
})

/** Validates what the run state holds before the report relies on it. */
export const benchmarkReportSchema = z.object({
  samples: z.number().int().nonnegative(),
  node: z.string().optional(),
  measuredAt: z.string().optional(),
  images: z.array(
    z.object({
      name: z.string().min(1),
      ref: z.string().optional(),
      versionCommand: z.array(z.string()),
      largeLayerSize: z.number().nonnegative(),
      results: z.array(resultSchema),
    }),
  ),
}) satisfies z.ZodType<BenchmarkReport>
