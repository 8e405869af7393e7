// Chapter 7 (what the guide never proves): the origin registry served each large layer once for
// the whole cluster. Then the negative control: the same nodes pull the same image with the mirror
// pointed straight at the origin, and every routing check must call that a failure.
import { beforeEach, describe, test } from 'vitest'
import { judgeLayers, onDemandFigures, singleBackToSource } from '../helpers/checks/back-to-source.ts'
import { negativeControl } from '../helpers/checks/negative-control.ts'
import { taskSucceeded } from '../helpers/checks/node-evidence.ts'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import {
  loudNote,
  originRegistry,
  requires,
  runConfig,
  runState,
  updateState,
  workers,
} from '../helpers/run/state.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import {
  awaitOriginTransfers,
  backToSourceFacts,
  collectPhase,
  dragonflyTraffic,
  imageLayers,
  markPhase,
  originTable,
  runOnWorkers,
  viaDfdaemonOf,
  type PhaseEvidence,
  phase,
  setPhase,
} from '../helpers/run/pull-phase.ts'
import { directStargzConfig } from '../helpers/stargz/configs.ts'
import { switchStargzConfig } from '../helpers/stargz/install.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import type { FreshImage } from '../helpers/image/fresh-blobs.ts'

/** The layers of the copy a pull took, with the task id dfdaemon gives each. */
function layers(image: FreshImage) {
  return imageLayers(image, runConfig())
}

function facts(ev: PhaseEvidence, image: FreshImage) {
  return backToSourceFacts(ev, layers(image), image.layers)
}

describe('back-to-source', () => {
  beforeEach(async (ctx) => {
    await labelChapter('back-to-source')
    requires(ctx, 'p2p-pull')
  })

  test('the origin served each large layer once across the cluster (P2P)', async (ctx) => {
    stepOf(ctx, 'single-back-to-source')
    const ev = phase('p2p').evidence
    if (!ev) throw new Error('no evidence of the P2P pull: the evidence chapter did not collect it')
    const f = facts(ev, phase('p2p').image)
    updateState((s) => {
      s.origin.p2p = originTable(ev.origin)
      s.origin.p2pOnDemand = judgeLayers(f).map(onDemandFigures)
    })
    await judge('single-back-to-source', singleBackToSource(f))
  })

  test('negative control: with the mirror bypassed every routing check fails', async (ctx) => {
    stepOf(ctx, 'negative-control')
    const config = runConfig()
    const profile = await profileFor(config)
    const stepMs = config.stepTimeoutMinutes * 60_000
    const { ev, image } = await timed('negative control', async (log) => {
      log('switching every worker to the direct (origin) mirror and clearing image state')
      for (const w of workers()) await switchStargzConfig(w, directStargzConfig(config), stepMs)
      // The original image, not a fresh copy: the bypassed pull involves no Dragonfly state, and on
      // kind a fresh copy's direct pull stopped after 0.4 MiB per node (2026-12-05, cause not found).
      const image = runState().image!
      log(`pulling ${image.esgzRef}`)
      const mark = await markPhase(workers(), runState().runId)
      const before = await dragonflyTraffic(profile, workers()).catch(
        (err: Error) => `scrape before the pull failed: ${err.message}`,
      )
      setPhase('control', { image, mark, trafficBefore: before })
      await runOnWorkers(workers(), image.esgzRef, config.image.command, log, config.pullPattern)
      await awaitOriginTransfers(
        originRegistry(),
        image.manifest,
        workers(),
        layers(image),
        mark,
        stepMs,
      ).catch((err: Error) => loudNote(`control evidence collected without waiting further: ${err.message}`))
      const ev = await collectPhase(
        profile,
        originRegistry(),
        image.manifest,
        workers(),
        layers(image),
        mark,
        before,
      )
      return { ev, image }
    })
    updateState((s) => (s.origin.control = originTable(ev.origin)))
    await judge(
      'negative-control',
      negativeControl(facts(ev, image), {
        'via-dfdaemon': viaDfdaemonOf(ev, layers(image)),
        'task-succeeded': taskSucceeded(ev.workers, layers(image)),
        'single-back-to-source': singleBackToSource(facts(ev, image)),
      }),
    )
  })
})
