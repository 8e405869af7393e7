// Chapter 5 (guide: "run the image with the stargz snapshotter"): the eStargz image runs on every
// worker with `nerdctl --snapshotter stargz run`, lazily pulled through the node-local dfdaemon.
import { beforeEach, describe, test } from 'vitest'
import { imageRuns } from '../helpers/checks/image-runs.ts'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import {
  dragonflyTraffic,
  markPhase,
  resetForPull,
  runOnWorkers,
  setPhase,
} from '../helpers/run/pull-phase.ts'
import { originRegistry, requires, runConfig, runState, workers } from '../helpers/run/state.ts'
import { freshCopy } from '../helpers/image/fresh-blobs.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

function runSpec(ref: string) {
  const { image } = runConfig()
  return { ref, command: image.command, expectOutput: image.expectOutput, workers: workers().length }
}

describe('run the eStargz image on every worker', () => {
  beforeEach(async (ctx) => {
    await labelChapter('image')
    requires(ctx, 'image', 'stargz')
  })

  test('it runs and prints the expected output', async (ctx) => {
    stepOf(ctx, 'image-runs')
    const config = runConfig()
    const profile = await profileFor(config)
    const image = runState().image!
    // A reused cluster holds an earlier run's images and dfdaemon caches: start this pull cold.
    if (config.reuseCluster)
      await timed('reset', (log) => resetForPull(profile, workers(), config.stepTimeoutMinutes * 60_000, log))
    // Its own blobs: the verdicts must not depend on what an earlier pull left in the scheduler.
    const pulled = await timed('fresh blobs', async (log) => {
      const copy = await freshCopy(originRegistry().localUrl, image)
      log(`pulling ${copy.esgzRef} (${copy.layers.map((l) => l.digest.slice(7, 19)).join(', ')})`)
      return copy
    })
    const mark = await markPhase(workers(), runState().runId)
    const trafficBefore = await dragonflyTraffic(profile, workers()).catch(
      (err: Error) => `scrape before the pull failed: ${err.message}`,
    )
    setPhase('p2p', { image: pulled, mark, trafficBefore })
    const outcomes = await timed('run', (log) =>
      runOnWorkers(workers(), pulled.esgzRef, config.image.command, log, config.pullPattern),
    )
    await judge('image-runs', imageRuns(outcomes, runSpec(pulled.esgzRef)))
  })
})
