// Chapter 6 (guide: "verify"): not just that the image ran, but how its layers arrived. Once the
// background fetches are over, each worker's journal, dfdaemon log and metrics are judged.
import * as allure from 'allure-js-commons'
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { remoteSnapshots, taskSucceeded } from '../helpers/checks/node-evidence.ts'
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
import { evidenceAfterTasks, imageLayers, viaDfdaemonOf, phase } from '../helpers/run/pull-phase.ts'
import { readFootprint } from '../helpers/evidence/daemon-footprint.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

function p2pEvidence() {
  const ev = phase('p2p').evidence
  if (!ev) throw new Error("the P2P pull's evidence was not collected: see the first test of this chapter")
  return ev
}

function layers() {
  return imageLayers(phase('p2p').image, runConfig())
}

describe('evidence of the P2P lazy pull', () => {
  beforeEach(async (ctx) => {
    await labelChapter('evidence')
    requires(ctx, 'p2p-pull')
  })

  test('evidence collected after background fetching finished', async () => {
    const config = runConfig()
    const profile = await profileFor(config)
    const p2p = phase('p2p')
    await timed('evidence', async (log) => {
      p2p.evidence = await evidenceAfterTasks(
        {
          profile,
          registry: originRegistry(),
          manifest: p2p.image.manifest,
          workers: workers(),
          layers: layers(),
          mark: p2p.mark,
          trafficBefore: p2p.trafficBefore,
        },
        config.stepTimeoutMinutes * 60_000,
        loudNote,
      )
      log(
        `origin rows: ${p2p.evidence.origin.rows.map((r) => `${r.digest.slice(7, 19)} ${r.amplification.toFixed(2)}x`).join(', ')}`,
      )
      // The daemons' footprint through this pull: a figure for `compare`, not a check.
      const { footprint, problems } = await readFootprint(runState().nodes)
      updateState((s) => (s.footprint = footprint))
      for (const p of problems) loudNote(`daemon footprint: ${p}`)
      log(
        `footprint: ${footprint.map((f) => `${f.component}@${f.node} ${(f.highWaterMemBytes / 2 ** 20).toFixed(1)} MiB ${f.cpuSeconds.toFixed(1)} s`).join(', ')}`,
      )
    })
    for (const w of workers())
      await allure.attachment(
        `dfdaemon log ${w.name}`,
        await profile.clientLogs(w, p2p.mark.nodeSince[w.name]),
        'text/plain',
      )
  })

  test('every layer was prepared as a remote snapshot on every worker', async (ctx) => {
    stepOf(ctx, 'remote-snapshots')
    await judge('remote-snapshots', remoteSnapshots(p2pEvidence().workers, layers()))
  })

  test("every layer's blob requests reached the worker's dfdaemon", async (ctx) => {
    stepOf(ctx, 'via-dfdaemon')
    const ev = p2pEvidence()
    await judge('via-dfdaemon', viaDfdaemonOf(ev, layers()))
  })

  test('dfdaemon reports the download task succeeded for every large layer', async (ctx) => {
    stepOf(ctx, 'task-succeeded')
    await judge('task-succeeded', taskSucceeded(p2pEvidence().workers, layers()))
  })
})
