// Scale samples for the statistics and report tests: origin bytes that grow by a known slope with N,
// so the fits and tables can be checked against numbers worked out by hand.
import type { ResourcePeak, ScaleMode, ScaleSample } from '../../../helpers/report/scale-types.ts'

export const MiB = 2 ** 20
export const LAYER = 66.5 * MiB

export function sample(over: Partial<ScaleSample> & Pick<ScaleSample, 'n' | 'mode'>): ScaleSample {
  const n = over.n
  return {
    kind: 'scale',
    pattern: 'concurrent',
    rep: 1,
    startedAt: '2026-12-03T10:00:00.000Z',
    workers: Array.from({ length: n }, (_, i) => `worker${i + 1}`),
    timings: [],
    p50Ms: 1000,
    maxMs: 1500,
    lastNodeMs: 1000 + 500 * n,
    originBytes: LAYER,
    largeLayerBytes: LAYER,
    rawAmplification: 1,
    layers: [],
    traffic: {},
    resources: [],
    waited: true,
    ...over,
  }
}

/** Origin bytes = LAYER + slope × (N − 1), plus 0, +jitter, −jitter over each three repetitions. */
export function series(
  mode: ScaleMode,
  slope: number,
  ns: number[],
  reps: number,
  jitter = 0,
  pattern: 'concurrent' | 'sequential' = 'concurrent',
): ScaleSample[] {
  return ns.flatMap((n) =>
    Array.from({ length: reps }, (_, i) => {
      const originBytes = LAYER + slope * (n - 1) + [0, jitter, -jitter][i % 3]!
      return sample({
        n,
        mode,
        pattern,
        rep: i + 1,
        originBytes,
        rawAmplification: originBytes / LAYER,
        ...(mode === 'dragonfly' ? { attributedAmplification: 1 + 0.01 * n } : {}),
        lastNodeMs: 1000 + 400 * n + 100 * i,
      })
    }),
  )
}

export const peaks: ResourcePeak[] = [
  { component: 'dfdaemon', where: 'worker1', peakMemBytes: 120 * MiB, peakCpuPercent: 80, polls: 4 },
  { component: 'dfdaemon', where: 'worker2', peakMemBytes: 140 * MiB, peakCpuPercent: 60, polls: 4 },
  { component: 'seed-peer', where: 'cp', peakMemBytes: 200 * MiB, peakCpuPercent: 95, polls: 4 },
  { component: 'scheduler', where: 'cp', peakMemBytes: 60 * MiB, peakCpuPercent: 5, polls: 4 },
  {
    component: 'container',
    where: 'd7y-stargz-worker',
    peakMemBytes: 400 * MiB,
    peakCpuPercent: 120,
    polls: 2,
  },
]
