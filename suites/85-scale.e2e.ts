// Chapter 8½ (what Dragonfly is for): how origin traffic, time to the last node and the daemons'
// footprint grow with the number of workers pulling at once. With D7Y_SCALE=1,2,4,8 (the cluster
// built with D7Y_WORKERS = the largest N), each point pulls on the first N workers in each routing
// mode and pattern, D7Y_SCALE_REPETITIONS times, every sample from clean state; Dragonfly points are
// judged by the P2P checks of chapters 60 and 70. D7Y_STABILITY_RUNS adds the 2-worker concurrent
// Dragonfly pull repeated. Results: reports/scale/ (scale.json, summary.md, two charts).
import * as allure from 'allure-js-commons'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { ScaleRunner, sampleLine, sampleName, type SampleSpec } from '../helpers/benchmark/scale.ts'
import { LARGE_LAYER_BYTES } from '../helpers/checks/back-to-source.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { stepLog, timed } from '../helpers/base/progress.ts'
import { buildScaleReport, type ScaleRunInfo } from '../helpers/report/scale-report.ts'
import { clearScaleReports, writeScaleJson, writeScaleReport } from '../helpers/report/scale-files.ts'
import type { ScaleSample } from '../helpers/report/scale-types.ts'
import {
  controlPlane,
  loudNote,
  originRegistry,
  requires,
  runConfig,
  runState,
  workers,
} from '../helpers/run/state.ts'

const config = runConfig()
const enabled = config.scale !== undefined || config.stabilityRuns > 0
const samples: ScaleSample[] = []
let runner: ScaleRunner | undefined
let info: ScaleRunInfo | undefined
const progress = stepLog('scale')

async function ready(): Promise<{ runner: ScaleRunner; info: ScaleRunInfo }> {
  const image = runState().image!
  runner ??= new ScaleRunner({
    config,
    profile: await profileFor(config),
    registry: originRegistry(),
    image: { esgzRef: image.esgzRef, layers: image.layers, manifest: image.manifest },
    workers: workers(),
    controlPlane: controlPlane(),
    runId: runState().runId,
  })
  info ??= {
    measuredAt: new Date().toISOString(),
    profile: config.profile,
    clusterWorkers: workers().length,
    ns: config.scale ?? [],
    modes: [...config.scaleModes],
    patterns: [...config.scalePatterns],
    repetitions: config.scaleRepetitions,
    blobs: config.scaleBlobs,
    image: {
      ref: image.esgzRef,
      largeLayers: image.layers
        .filter((l) => l.size >= LARGE_LAYER_BYTES)
        .map((l) => ({ digest: l.digest, size: l.size })),
    },
    notes: [],
  }
  return { runner, info }
}

/** A test's deadline: every sample may use its steps' timeout (D7Y_STEP_TIMEOUT_MINUTES). */
function budget(samples: number): number {
  return Math.max(30, samples * config.stepTimeoutMinutes) * 60_000
}

async function take(spec: SampleSpec): Promise<ScaleSample> {
  const { runner: r, info: i } = await ready()
  const s = await timed(`scale ${sampleName(spec)}`, (log) => r.sample(spec, log))
  samples.push(s)
  writeScaleJson(config.reportsDir, buildScaleReport(i, samples))
  progress(sampleLine(s))
  return s
}

/** The samples' problems: not measured, or a P2P check that failed where it can judge (N ≥ 2). */
function problems(taken: ScaleSample[]): { unmeasured: string[]; failedChecks: string[] } {
  return {
    unmeasured: taken.filter((s) => s.error).map((s) => `${sampleName(s)}: ${s.error}`),
    failedChecks: taken.flatMap((s) =>
      Object.entries(s.verdicts ?? {})
        .filter(([, v]) => v.status === 'failed')
        .map(([id, v]) => `${sampleName(s)} ${id}: ${v.diagnosis}`),
    ),
  }
}

describe.skipIf(!enabled)('scale: origin traffic and time vs the number of workers', () => {
  beforeAll(() => clearScaleReports(config.reportsDir))

  beforeEach(async (ctx) => {
    await labelChapter('performance')
    requires(ctx, 'image', 'stargz')
  })

  // First, so that the allowance's data is there even when a long series is cut short.
  test.skipIf(config.stabilityRuns === 0)(
    `stability: the 2-worker concurrent Dragonfly pull, ${config.stabilityRuns} time(s)`,
    async () => {
      expect(workers().length, 'the stability series needs 2 workers').toBeGreaterThanOrEqual(2)
      const taken: ScaleSample[] = []
      for (let rep = 1; rep <= config.stabilityRuns; rep++)
        taken.push(await take({ kind: 'stability', n: 2, mode: 'dragonfly', pattern: 'concurrent', rep }))
      const p = problems(taken)
      expect.soft(p.unmeasured, 'runs that could not be measured').toEqual([])
      // a stability series is about verdicts too: a run whose P2P check went red is a flake
      expect.soft(p.failedChecks, 'runs whose P2P checks went red').toEqual([])
    },
    budget(config.stabilityRuns),
  )

  // One test per point: its repetitions, then its verdict. Mode outermost, so a snapshotter switch
  // (which restarts containerd on every worker of the point) happens once per N and mode.
  for (const n of config.scale ?? [])
    for (const mode of config.scaleModes)
      for (const pattern of config.scalePatterns)
        test(
          `N=${n} ${mode} ${pattern}: ${config.scaleRepetitions} sample(s) from clean state`,
          async () => {
            // Preflight refuses an N above D7Y_WORKERS; a cluster that came up smaller fails here.
            expect(workers().length, `D7Y_SCALE needs ${n} workers`).toBeGreaterThanOrEqual(n)
            const taken: ScaleSample[] = []
            for (let rep = 1; rep <= config.scaleRepetitions; rep++)
              taken.push(await take({ kind: 'scale', n, mode, pattern, rep }))
            await allure.attachment(
              `N=${n} ${mode} ${pattern}: samples`,
              JSON.stringify(taken, null, 2),
              'application/json',
            )
            const p = problems(taken)
            expect.soft(p.unmeasured, 'samples that could not be measured').toEqual([])
            expect.soft(p.failedChecks, 'P2P checks that failed on a Dragonfly point').toEqual([])
          },
          budget(config.scaleRepetitions),
        )

  afterAll(async () => {
    if (!info) return
    const report = buildScaleReport(info, samples)
    const { files, chartError } = await writeScaleReport(config.reportsDir, report)
    if (chartError) loudNote(`scale charts not drawn: ${chartError}`)
    for (const f of report.fits)
      if (f.slopeBytesPerNode !== null)
        progress(
          `fit ${f.mode} ${f.pattern}: ${(f.slopeBytesPerNode / 2 ** 20).toFixed(1)} MiB per added node` +
            (f.slopeShareOfLayer === null
              ? ''
              : ` (${(f.slopeShareOfLayer * 100).toFixed(1)} % of the layer)`),
        )
    progress(`wrote ${files.join(', ')}`)
  })
})
