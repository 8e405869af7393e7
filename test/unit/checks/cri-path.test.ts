// The CRI path's verdict on real evidence: the lazy-pull journal (a nerdctl pull, namespace "default")
// stands for a Pod whose layers were never prepared in the CRI's namespace; the Pod printed the right
// output, and the verdict is still red, naming the part that failed.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { criPath, CRI_NAMESPACE, CRI_PARTS, type CriPart } from '../../../helpers/checks/cri-path.ts'
import { imageRuns } from '../../../helpers/checks/image-runs.ts'
import { remoteSnapshots } from '../../../helpers/checks/node-evidence.ts'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { parseStargzJournal } from '../../../helpers/evidence/stargz-journal.ts'

const dir = path.join(import.meta.dirname, '../../../fixtures/logs')
// the layers of fixtures/logs/stargz-journal-lazy-pull.txt (see node-evidence.test.ts)
const LAYERS = [
  'sha256:68143b03360c3710756df33adb936863c21ea3dabbf85f987aea24357852d18e',
  'sha256:3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf',
].map((digest) => ({ digest, size: 7_901_572, taskId: 'x' }))

async function snapshotsIn(namespace: string): Promise<Verdict> {
  const stargz = await parseStargzJournal(
    readFileSync(path.join(dir, 'stargz-journal-lazy-pull.txt'), 'utf8'),
  )
  return remoteSnapshots(
    [{ node: 'node-a', ip: '172.21.0.3', stargz, dfdaemon: {} as never, traffic: 'x' }],
    LAYERS,
    {
      namespace,
    },
  )
}

const output = imageRuns(
  [{ node: 'node-a', exitCode: 0, output: 'Python 3.11.2', stderr: '', durationMs: 900 }],
  {
    ref: 'r',
    command: ['python3', '--version'],
    expectOutput: 'Python 3.11.2',
    workers: 1,
  },
)

function parts(overrides: Partial<Record<CriPart, Verdict>>): Record<CriPart, Verdict> {
  const green = (p: CriPart): Verdict => ({ passed: true, diagnosis: `${p} fine`, evidence: {} })
  return Object.fromEntries(CRI_PARTS.map((p) => [p, overrides[p] ?? green(p)])) as Record<CriPart, Verdict>
}

describe('the CRI path verdict', () => {
  test("the Pods' layer mounted from another copy's chain id (real kind journal): red, with the snapshotter's error", async () => {
    const stargz = await parseStargzJournal(
      readFileSync(path.join(dir, 'stargz-journal-shared-chain-id.txt'), 'utf8'),
    )
    const criLayer = [
      {
        digest: 'sha256:e529470ec1c20d40b8ad4ae90052703638fd554a0291390cd42b01edb55a6c37',
        size: 69_739_520,
        taskId: 'x',
      },
    ]
    const snapshots = remoteSnapshots(
      [{ node: 'd7y-stargz-worker', ip: '10.89.0.19', stargz, dfdaemon: {} as never, traffic: 'x' }],
      criLayer,
      { namespace: CRI_NAMESPACE },
    )
    const v = criPath(parts({ 'pod-output': output, 'remote-snapshots': snapshots }))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toContain(
      'remote-snapshots: d7y-stargz-worker: the snapshotter reported 1 problem(s)',
    )
    expect(v.diagnosis).toContain('blob is already closed')
  })

  test('right output but no remote snapshot in k8s.io: red, naming remote-snapshots', async () => {
    expect(output.passed, output.diagnosis).toBe(true)
    const v = criPath(parts({ 'pod-output': output, 'remote-snapshots': await snapshotsIn(CRI_NAMESPACE) }))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^remote-snapshots: node-a: no remote snapshot prepared for .* in containerd namespace k8s\.io/,
    )
    expect(v.diagnosis).not.toContain('pod-output')
  })

  test('every part green: green, each part said', async () => {
    const v = criPath(parts({ 'pod-output': output, 'remote-snapshots': await snapshotsIn('default') }))
    expect(v.passed, v.diagnosis).toBe(true)
    for (const p of CRI_PARTS) expect(v.diagnosis).toContain(`${p}: `)
  })
})
