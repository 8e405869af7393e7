// Chapter 6½ (kind; guide: "run the image" through the kubelet): the eStargz image runs as a Pod
// pinned to every worker, pulled by containerd's CRI with the stargz snapshotter. The Pods pull their
// own fresh copy after the nerdctl pull's evidence is collected, so each pull has its own window, and
// the Pods' pull is judged by the same evidence: remote snapshots in the CRI's namespace, every blob
// request through dfdaemon, the tasks finished, each layer sent once by the origin.
import { beforeEach, describe, test } from 'vitest'
import { criPath, CRI_NAMESPACE } from '../helpers/checks/cri-path.ts'
import { imageRuns } from '../helpers/checks/image-runs.ts'
import { remoteSnapshots, taskSucceeded } from '../helpers/checks/node-evidence.ts'
import { singleBackToSource } from '../helpers/checks/back-to-source.ts'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { freshCopy } from '../helpers/image/fresh-blobs.ts'
import { loudNote, originRegistry, requires, runConfig, runState, workers } from '../helpers/run/state.ts'
import { resetImageState } from '../helpers/stargz/install.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import {
  backToSourceFacts,
  evidenceAfterTasks,
  dragonflyTraffic,
  imageLayers,
  markPhase,
  viaDfdaemonOf,
  setPhase,
} from '../helpers/run/pull-phase.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('run the eStargz image as a Pod on every worker (the CRI path)', () => {
  beforeEach(async (ctx) => {
    await labelChapter('image')
    requires(ctx, 'image', 'stargz')
  })

  test('it runs as a Pod pinned to every worker, lazily pulled through dfdaemon', async (ctx) => {
    const config = runConfig()
    const profile = await profileFor(config)
    if (!profile.runAsPods) return ctx.skip('this profile has no kubelet: the CRI path is checked on kind')
    stepOf(ctx, 'cri-pod-runs')
    const stepMs = config.stepTimeoutMinutes * 60_000
    // The nerdctl pull's copy shares its chain id with every copy: while it stays, the snapshotter
    // mounts the Pods' layer from it (helpers/stargz/remote-layers.ts). Its evidence is collected.
    await timed('reset', async (log) => {
      for (const w of workers()) {
        log(`${w.name}: removing the earlier pull's images and layers, clearing the snapshotter's caches`)
        await resetImageState(w, stepMs)
      }
    })
    const image = await timed('fresh blobs', async (log) => {
      const copy = await freshCopy(originRegistry().localUrl, runState().image!)
      log(`Pods pull ${copy.esgzRef} (${copy.layers.map((l) => l.digest.slice(7, 19)).join(', ')})`)
      return copy
    })
    const layers = imageLayers(image, config)
    const mark = await markPhase(workers(), runState().runId)
    const trafficBefore = await dragonflyTraffic(profile, workers()).catch(
      (err: Error) => `scrape before the pull failed: ${err.message}`,
    )
    const record = { image, mark, trafficBefore }
    setPhase('cri', record)
    const outcomes = await timed('run pods', (log) =>
      profile.runAsPods!(workers(), image.esgzRef, config.image.command, log),
    )
    const ev = await timed('evidence', () =>
      evidenceAfterTasks(
        {
          profile,
          registry: originRegistry(),
          manifest: image.manifest,
          workers: workers(),
          layers,
          mark,
          trafficBefore,
        },
        stepMs,
        (m) => loudNote(`CRI pull: ${m}`),
      ),
    )
    Object.assign(record, { evidence: ev })
    const spec = {
      ref: image.esgzRef,
      command: config.image.command,
      expectOutput: config.image.expectOutput,
      workers: workers().length,
    }
    await judge(
      'cri-pod-runs',
      criPath({
        'pod-output': imageRuns(outcomes, spec),
        'remote-snapshots': remoteSnapshots(ev.workers, layers, { namespace: CRI_NAMESPACE }),
        'via-dfdaemon': viaDfdaemonOf(ev, layers),
        'task-succeeded': taskSucceeded(ev.workers, layers),
        'single-back-to-source': singleBackToSource(backToSourceFacts(ev, layers, image.layers)),
      }),
    )
  })
})
