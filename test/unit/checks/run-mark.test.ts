// Evidence is judged only in the run that marked it. The P2P pull of run rmxa0vjk4 (the fresh
// machine's gate of 2026-12-05, fixtures/logs/race-fresh-gate: its README names the run) is held as
// that run's phase record, then asked for by the same run and by the green run of the same morning
// (rmxa4wmpw, fixtures/run/summary-local-green.json). Before, the mark's run id was never read: the
// other run got the record and its verdicts passed.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { otherRunEvidence } from '../../../helpers/checks/run-mark.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'
import {
  viaDfdaemonOf,
  type PhaseEvidence,
  phase,
  setPhase,
  type PhaseRecord,
} from '../../../helpers/run/pull-phase.ts'

const capture = path.join(import.meta.dirname, '../../../fixtures/logs/race-fresh-gate')
const text = (f: string) => gunzipSync(readFileSync(path.join(capture, f))).toString()
const summary = (f: string) =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '../../../fixtures/run', f), 'utf8')) as {
    runId: string
  }

/** The run the capture comes from (its README), and the next run of that morning (its summary). */
const CAPTURED_RUN = 'rmxa0vjk4'
const OTHER_RUN = summary('summary-local-green.json').runId

const manifestJson = JSON.parse(readFileSync(path.join(capture, 'manifest.json'), 'utf8')) as {
  layers: { digest: string; size: number; mediaType: string }[]
}
const layerInfo = manifestJson.layers[0]!
const layer = { digest: layerInfo.digest, size: layerInfo.size, taskId: layerInfo.digest.slice(7) }

async function capturedRecord(): Promise<PhaseRecord> {
  const mark = {
    runId: CAPTURED_RUN,
    hostSince: '2026-12-05T06:21:50.000Z',
    nodeSince: {
      'd7y-stargz-worker': '2026-12-05 06:21:50.000000',
      'd7y-stargz-worker2': '2026-12-05 06:21:50.000000',
    },
  }
  const workers = await Promise.all(
    [
      ['d7y-stargz-worker', '172.18.0.3', 'dfdaemon-worker.log.gz'],
      ['d7y-stargz-worker2', '172.18.0.4', 'dfdaemon-worker2.log.gz'],
    ].map(async ([node, ip, log]) => ({
      node: node!,
      ip: ip!,
      stargz: await parseStargzJournal(''),
      dfdaemon: await summarizeDfdaemonLog(text(log!), { taskIds: [layer.taskId] }),
      traffic: 'not read in this capture',
    })),
  )
  const evidence: PhaseEvidence = {
    mark,
    workers,
    origin: await accountOrigin(registryRequests(text('registry.log.gz')), parseManifest(manifestJson)),
    seed: {
      ip: '172.18.0.2',
      dfdaemon: await summarizeDfdaemonLog(text('dfdaemon-seed.log.gz'), { taskIds: [layer.taskId] }),
    },
    backToSourceBytes: 'not read in this capture',
  }
  return {
    image: {
      esgzRef: 'd7y-stargz-registry:5000/conformance/python:1-esgz',
      layers: [{ ...layerInfo, annotations: {} }],
      manifest: manifestJson,
    },
    mark,
    trafficBefore: 'not read in this capture',
    evidence,
  }
}

describe("a phase's evidence belongs to the run that marked it", () => {
  test('the run that marked it gets its record, and via-dfdaemon judges it (green)', async () => {
    setPhase('p2p', await capturedRecord())
    const ev = phase('p2p', CAPTURED_RUN).evidence!
    const v = viaDfdaemonOf(ev, [layer])
    expect(v.passed, v.diagnosis).toBe(true)
  })

  test('another run asking for it is refused with a diagnosis naming both runs (it got the record before)', async () => {
    expect(OTHER_RUN).not.toBe(CAPTURED_RUN)
    setPhase('p2p', await capturedRecord())
    expect(() => phase('p2p', OTHER_RUN)).toThrow(
      `cannot judge: the p2p pull's evidence was marked by run ${CAPTURED_RUN}, not by this run (${OTHER_RUN})`,
    )
  })

  test("evidence whose own mark is another run's than its record's is refused too", async () => {
    const record = await capturedRecord()
    setPhase('p2p', {
      ...record,
      evidence: { ...record.evidence!, mark: { ...record.mark, runId: OTHER_RUN } },
    })
    expect(() => phase('p2p', CAPTURED_RUN)).toThrow(
      `cannot judge: the p2p pull's evidence was marked by run ${OTHER_RUN}, not by this run (${CAPTURED_RUN})`,
    )
  })

  test("a fault entry's mark (<run id>/<entry id>) belongs to its run; a run id that only starts alike does not", () => {
    expect(otherRunEvidence('the fault pull', `${CAPTURED_RUN}/baseline`, CAPTURED_RUN)).toBeUndefined()
    expect(otherRunEvidence('the fault pull', CAPTURED_RUN, CAPTURED_RUN)).toBeUndefined()
    expect(otherRunEvidence('the fault pull', `${CAPTURED_RUN}x`, CAPTURED_RUN)).toMatch(
      /^cannot judge: the fault pull's evidence was marked by run rmxa0vjk4x, not by this run \(rmxa0vjk4\)/,
    )
  })
})
