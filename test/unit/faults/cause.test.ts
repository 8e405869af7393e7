// The diagnosis engine on the evidence of real fault pulls (texts from the local profile's fault
// catalog run of 2026-12-03): the cause is read from the evidence, not from the injected fault.
import { describe, expect, test } from 'vitest'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { diagnoseCause, type CauseEvidence } from '../../../helpers/faults/cause.ts'
import type { PhaseEvidence } from '../../../helpers/run/pull-phase.ts'
import { FAULT_CHECKS, type FaultCheck } from '../../../helpers/faults/checks-and-causes.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import type { ComponentStatus } from '../../../helpers/profiles/profile.ts'
import { capturedLinks } from '../evidence/peer-link-captures.ts'
import { gunzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'

const green: Verdict = { passed: true, diagnosis: 'ok', evidence: {} }
const verdicts = (over: Partial<Record<FaultCheck, Verdict>> = {}) =>
  ({ ...Object.fromEntries(FAULT_CHECKS.map((c) => [c, green])), ...over }) as Record<FaultCheck, Verdict>

// the snapshotter's error on worker2 with its dfdaemon stopped (journal, failed to prepare remote snapshot)
const REFUSED =
  'failed to resolve layer: 6 attempt(s): Get "http://127.0.0.1:4001/v2/conformance/python/blobs/sha256:3a4168cc69916eb8e4aab26ae26a26bb3bd652cf9985b8f83fc475ee199b5253": dial tcp 127.0.0.1:4001: connect: connection refused: failed to resolve: failed to resolve target'

function evidence(snapshotError?: string): PhaseEvidence {
  const dfdaemon = {
    tasks: {},
    unattributed: {},
    records: 0,
    proxiedDirectly: [],
    proxiedDirectlyCount: 0,
    levels: {},
    strayLines: 0,
  }
  return {
    mark: { runId: 'r', hostSince: '', nodeSince: {} },
    workers: [
      {
        node: 'worker2',
        ip: '172.18.0.4',
        stargz: {
          prepared: 0,
          failed: snapshotError ? 1 : 0,
          layerProblems: [],
          snapshots: snapshotError
            ? [{ outcome: 'failed', key: 'k', layerDigest: 'sha256:3a41', error: snapshotError }]
            : [],
          malformed: 0,
          lines: 1,
        },
        dfdaemon,
        traffic: 'not read',
      },
    ],
    origin: { rows: [], unlisted: {}, nonBlobRequests: 1 },
    seed: { dfdaemon },
    backToSourceBytes: 0,
  }
}

const base = (snapshotError?: string, v = verdicts()): CauseEvidence => ({
  verdicts: v,
  outcomes: [{ node: 'worker2', exitCode: 0, output: 'Python 3.11.2', stderr: '', durationMs: 8600 }],
  evidence: evidence(snapshotError),
  status: [],
  taskIds: ['3a41'],
  links: [],
})

describe('diagnoseCause', () => {
  test('only a restart red is component-restarted, with the restart named', () => {
    const restarted: Verdict = {
      passed: false,
      diagnosis: 'client on dragonfly-client on worker2 restarted on its own 1 time(s) during the pull',
      evidence: {},
    }
    const c = diagnoseCause(base(undefined, verdicts({ 'no-restarts': restarted })))
    expect(c).toEqual({ code: 'component-restarted', sentence: restarted.diagnosis })
    // a routing cause the evidence shows comes first: the restart is then what followed from it
    const both = verdicts({ 'no-restarts': restarted, 'remote-snapshots': { ...green, passed: false } })
    expect(diagnoseCause(base(REFUSED, both)).code).toBe('mirror-unreachable')
  })

  test('a refused connection to the mirror is mirror-unreachable, not fuse ("refused" holds "fuse")', () => {
    const c = diagnoseCause(base(REFUSED, verdicts({ 'remote-snapshots': { ...green, passed: false } })))
    expect(c.code).toBe('mirror-unreachable')
    expect(c.sentence).toMatch(
      /^worker2's snapshotter fell back to the origin: dfdaemon on 127\.0\.0\.1:4001 refused the connection/,
    )
  })

  test('a FUSE error is fuse-missing', () => {
    const c = diagnoseCause(
      base('mount failed: fusermount: failed to open /dev/fuse: No such file or directory'),
    )
    expect(c.code).toBe('fuse-missing')
  })

  test('all green is none; red without a known cause is unknown', () => {
    expect(diagnoseCause(base()).code).toBe('none')
    const c = diagnoseCause(
      base(undefined, verdicts({ 'image-runs': { ...green, passed: false, diagnosis: 'exit 1' } })),
    )
    expect(c.code).toBe('unknown')
  })

  describe('peers that cannot reach each other (p2p-blocked, captured 2026-12-03)', () => {
    const TASK = '3a4168cc69916eb8e4aab26ae26a26bb3bd652cf9985b8f83fc475ee199b5253'
    const log = (node: string) =>
      gunzipSync(
        readFileSync(new URL(`../../../fixtures/logs/p2p-blocked/dfdaemon-${node}.log.gz`, import.meta.url)),
      ).toString('utf8')
    const healthy: ComponentStatus[] = ['control-plane', 'worker', 'worker2'].map((where) => ({
      component: where === 'control-plane' ? 'seed-peer' : 'client',
      where,
      ok: true,
      detail: 'GET /healthy: HTTP 200',
    }))
    const red = verdicts({
      'task-succeeded': { ...green, passed: false, diagnosis: 'took no pieces from peers' },
      'single-back-to-source': { ...green, passed: false, diagnosis: 'raw 2.00x' },
    })
    async function blocked(links: string, status: ComponentStatus[]): Promise<CauseEvidence> {
      const e = base(undefined, red)
      const workers = await Promise.all(
        ['worker', 'worker2'].map(async (node) => ({
          ...e.evidence.workers[0]!,
          node,
          dfdaemon: await summarizeDfdaemonLog(log(node), { taskIds: [TASK] }),
        })),
      )
      return {
        ...e,
        evidence: { ...e.evidence, workers },
        taskIds: [TASK],
        status,
        links: capturedLinks(links),
      }
    }

    test('the captured logs: the scheduler sent both workers to the source, no piece from a parent', async () => {
      const e = await blocked('peer-links-dropped.txt', healthy)
      for (const w of e.evidence.workers) {
        const t = w.dfdaemon.tasks[TASK]!
        expect(t.backToSource.needBackToSource).toBe(1)
        expect(t.remotePeer.piecesFinished).toBe(0)
        expect(t.remotePeer.piecesFailed).toBe(0)
      }
    })

    test('dropped links between healthy dfdaemons are p2p-blocked, with the links named', async () => {
      const c = diagnoseCause(await blocked('peer-links-dropped.txt', healthy))
      expect(c.code).toBe('p2p-blocked')
      expect(c.sentence).toMatch(
        /^worker, worker2 took no piece from a peer and fetched from the source: 6 of 6 peer link\(s\).*control-plane → worker \(172\.18\.0\.3:4000\): no answer within 3s \(packets dropped\)/,
      )
    })

    test('links refused by a dfdaemon that is not serving are not p2p-blocked', async () => {
      const down = healthy.map((s) => (s.where === 'worker2' ? { ...s, ok: false } : s))
      const c = diagnoseCause(await blocked('peer-links-one-stopped.txt', down))
      expect(c.code).not.toBe('p2p-blocked')
    })

    test('without the links there is no cause to read (what the catalog measured before the probe)', async () => {
      const e = await blocked('peer-links-dropped.txt', healthy)
      expect(diagnoseCause({ ...e, links: [] }).code).toBe('unknown')
    })
  })
})
