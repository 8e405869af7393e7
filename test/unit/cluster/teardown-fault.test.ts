// The nodes-as-found verdict and its fault entry on real readings: the stand-in's teardown with
// /usr/local/bin/nerdctl held by a bind mount on d7y-standin-worker (fixtures/cluster/teardown/,
// 2026-12-06, the whole allowed catalog's run), and the stand-in's clean teardown of the day before
// (docs/cluster/2026-12-06-standin/node-footprint.json).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  judgeTeardownFault,
  teardownFaultProblem,
  teardownFaultTarget,
  type TeardownFaultResult,
} from '../../../helpers/cluster/teardown-fault.ts'
import { footprintProblem } from '../../../helpers/cluster/footprint-verdict.ts'

const root = path.join(import.meta.dirname, '../../..')
const heldText = readFileSync(
  path.join(root, 'fixtures/cluster/teardown/node-file-held-standin.json'),
  'utf8',
)
const held = JSON.parse(heldText) as TeardownFaultResult
const clean = JSON.parse(
  readFileSync(path.join(root, 'docs/cluster/2026-12-06-standin/node-footprint.json'), 'utf8'),
) as { node: string; differences: string[] }[]
const target = { id: 'node-file-held' as const, node: held.node, path: held.path }

describe('the nodes-as-found verdict with a file held at teardown', () => {
  test('goes red naming the node and the held file', () => {
    const report = [
      ...clean.filter((r) => r.node !== held.node),
      { node: held.node, differences: held.differencesWhileHeld },
    ]
    const judged = judgeTeardownFault(target, report)
    expect(judged.held).toBe(true)
    expect(judged.verdictWhileHeld).toMatch(
      /^NODES NOT AS FOUND: d7y-standin-worker: \/usr\/local\/bin\/nerdctl: absent before, sha256:5100ffe1cf82 mode 755 after/,
    )
    expect(footprintProblem(JSON.stringify(report))).toBe(judged.verdictWhileHeld)
  })

  test('an entry whose teardown left every node as found did not hold', () => {
    const judged = judgeTeardownFault(target, clean)
    expect(judged).toMatchObject({ held: false, verdictWhileHeld: 'every node as found' })
    expect(teardownFaultProblem('node-file-held', JSON.stringify({ ...held, ...judged }))).toMatch(
      /^teardown fault node-file-held NOT HELD: with \/usr\/local\/bin\/nerdctl held on d7y-standin-worker/,
    )
  })

  test('held and put back afterwards: no problem; missing or left dirty: a problem', () => {
    expect(teardownFaultProblem('node-file-held', heldText)).toBeUndefined()
    expect(teardownFaultProblem('node-file-held', undefined)).toMatch(/did not run/)
    const dirty = { ...held, afterRelease: held.differencesWhileHeld.slice(0, 1) }
    expect(teardownFaultProblem('node-file-held', JSON.stringify(dirty))).toMatch(
      /not as found after the mount was released: \/usr\/local\/bin\/nerdctl/,
    )
  })

  test('the target is the first worker by name, never the builder', () => {
    const nodes = [
      { name: 'b', container: 'b', role: 'control-plane' as const, ip: '1' },
      { name: 'w2', container: 'w2', role: 'worker' as const, ip: '2' },
      { name: 'w1', container: 'w1', role: 'worker' as const, ip: '3' },
    ]
    expect(teardownFaultTarget('node-file-held', nodes)).toEqual({
      id: 'node-file-held',
      node: 'w1',
      path: '/usr/local/bin/nerdctl',
    })
    expect(teardownFaultTarget('node-file-held', nodes.slice(0, 1))).toBeUndefined()
  })
})
