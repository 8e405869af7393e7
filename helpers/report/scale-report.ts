// Builds the scale report (reports/scale/scale.json) from the samples taken so far: per-point
// statistics, the fitted slopes, the stability series. Pure; rebuilt after every sample so an
// interrupted run still leaves everything it measured.
import { scaleFits, scalePoints, stabilitySummary } from '../benchmark/scale-stats.ts'
import type { PullPattern } from '../run/pull-phase.ts'
import type { ScaleMode, ScaleReport, ScaleSample } from './scale-types.ts'

export interface ScaleRunInfo {
  measuredAt: string
  profile: string
  clusterWorkers: number
  ns: number[]
  modes: ScaleMode[]
  patterns: PullPattern[]
  repetitions: number
  /** fresh: every sample pulled its own restamped copy of the image (new blobs, new tasks); same: all the same blobs */
  blobs?: 'fresh' | 'same'
  image: { ref: string; largeLayers: { digest: string; size: number }[] }
  notes?: string[]
}

export function buildScaleReport(info: ScaleRunInfo, samples: ScaleSample[]): ScaleReport {
  const stability = stabilitySummary(samples)
  return {
    measuredAt: info.measuredAt,
    profile: info.profile,
    clusterWorkers: info.clusterWorkers,
    ns: info.ns,
    modes: info.modes,
    patterns: info.patterns,
    repetitions: info.repetitions,
    ...(info.blobs ? { blobs: info.blobs } : {}),
    image: info.image,
    samples,
    points: scalePoints(samples, info.ns, info.modes, info.patterns),
    fits: scaleFits(samples, info.modes, info.patterns),
    ...(stability ? { stability } : {}),
    notes: info.notes ?? [],
  }
}
