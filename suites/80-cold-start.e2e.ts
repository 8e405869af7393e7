// Chapter 8 (the guide's chart): cold-start time of pull + run for OCIv1, eStargz, eStargz with
// Dragonfly (cold) and eStargz with Dragonfly (warm peer), side by side in one run, with the
// origin's bytes per mode. On by default in the local profile; D7Y_BENCHMARK switches it.
import { beforeEach, describe, expect, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { benchmarkImage, type BenchTarget } from '../helpers/benchmark/cold-start.ts'
import { registryRefs } from '../helpers/image/publish.ts'
import { fetchManifest, parseRef } from '../helpers/image/registry-client.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import type { BenchmarkReport } from '../helpers/report/benchmark-types.ts'
import {
  controlPlane,
  originRegistry,
  requires,
  runConfig,
  runState,
  updateState,
  workers,
} from '../helpers/run/state.ts'

describe('cold-start benchmark', () => {
  beforeEach(async (ctx) => {
    await labelChapter('performance')
    requires(ctx, 'image', 'stargz')
  })

  test('pull + run time per mode for every benchmark image', async (ctx) => {
    const config = runConfig()
    if (!config.benchmark) return ctx.skip('benchmark off (D7Y_BENCHMARK=false)')
    const profile = await profileFor(config)
    const registry = originRegistry()
    const report: BenchmarkReport = {
      samples: config.benchmarkSamples,
      node: workers()
        .map((w) => w.name)
        .join(', '),
      measuredAt: new Date().toISOString(),
      images: [],
    }
    for (const image of config.benchmarkImages) {
      const refs = registryRefs(registryRef(), image)
      const result = await timed(`benchmark ${image.name}`, async (log) => {
        if (refs.esgzRef !== runState().image?.esgzRef) {
          await profile.publishImage(image, refs, controlPlane(), registry.localUrl, log)
        }
        const target: BenchTarget = {
          image,
          ...refs,
          plainManifest: await fetchManifest(
            registry.localUrl,
            parseRef(refs.plainRef).name,
            parseRef(refs.plainRef).tag,
          ),
          esgzManifest: await fetchManifest(
            registry.localUrl,
            parseRef(refs.esgzRef).name,
            parseRef(refs.esgzRef).tag,
          ),
        }
        return benchmarkImage({ config, profile, registry, workers: workers(), log }, target)
      })
      report.images.push(result)
      updateState((s) => (s.benchmark = report))
    }
    expect(report.images.length).toBe(config.benchmarkImages.length)
    for (const image of report.images)
      for (const r of image.results)
        expect(r.samplesMs.length, `${image.name} ${r.mode}`).toBe(config.benchmarkSamples)
  })
})

function registryRef(): string {
  return runState().registry!.host
}
