// The daemons' footprint from /proc, on real captures of FOOTPRINT_POLL_SCRIPT's output
// (fixtures/footprint/README.md).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parseProcessPoll } from '../../../helpers/benchmark/proc-poll.ts'
import { footprintComponent, footprintOf, type NodePoll } from '../../../helpers/evidence/daemon-footprint.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const capture = (name: string) => readFileSync(path.join(ROOT, 'fixtures/footprint', name), 'utf8')

const poll = (node: string, role: NodePoll['role'], file: string): NodePoll => ({
  node,
  role,
  poll: parseProcessPoll(capture(file)),
})

const LOCAL: NodePoll[] = [
  poll('d7y-stargz-control-plane', 'control-plane', 'local-control-plane.txt'),
  poll('d7y-stargz-worker', 'worker', 'local-worker.txt'),
  poll('d7y-stargz-worker2', 'worker', 'local-worker2.txt'),
]

const KIND: NodePoll[] = [
  poll('d7y-stargz-control-plane', 'control-plane', 'kind-control-plane.txt'),
  poll('d7y-stargz-worker', 'worker', 'kind-worker.txt'),
  poll('d7y-stargz-worker2', 'worker', 'kind-worker2.txt'),
]

describe('daemon footprint', () => {
  test('local: the seed peer is the dfdaemon on the control plane; clients and snapshotters per worker', () => {
    const f = footprintOf(LOCAL)
    expect(f.map((r) => `${r.component}@${r.node}`)).toEqual([
      'dfdaemon@d7y-stargz-worker',
      'dfdaemon@d7y-stargz-worker2',
      'seed-peer@d7y-stargz-control-plane',
      'scheduler@d7y-stargz-control-plane',
      'snapshotter@d7y-stargz-worker',
      'snapshotter@d7y-stargz-worker2',
    ])
    // the control plane's capture: dfdaemon pid 372, utime 15 + stime 39 ticks at 100 Hz, VmHWM 110904 kB
    expect(f.find((r) => r.component === 'seed-peer')).toEqual({
      component: 'seed-peer',
      node: 'd7y-stargz-control-plane',
      highWaterMemBytes: 110904 * 1024,
      cpuSeconds: 0.54,
      processes: 1,
    })
    expect(f.find((r) => r.component === 'scheduler')).toMatchObject({ highWaterMemBytes: 53140 * 1024 })
    for (const r of f) expect(r.highWaterMemBytes).toBeGreaterThan(10 * 2 ** 20)
  })

  test('every process of the capture was read in the node network namespace (local: systemd units)', () => {
    for (const { poll: p } of LOCAL) for (const x of p.processes) expect(x.hostNetwork).toBe(true)
  })

  test("kind: the chart's pods on the control plane (own network namespaces), hostNetwork clients per worker", () => {
    expect(footprintOf(KIND).map((r) => `${r.component}@${r.node}`)).toEqual([
      'dfdaemon@d7y-stargz-worker',
      'dfdaemon@d7y-stargz-worker2',
      'seed-peer@d7y-stargz-control-plane',
      'scheduler@d7y-stargz-control-plane',
      'manager@d7y-stargz-control-plane',
      'snapshotter@d7y-stargz-worker',
      'snapshotter@d7y-stargz-worker2',
    ])
    const net = (p: NodePoll, comm: string) => p.poll.processes.find((x) => x.comm === comm)?.hostNetwork
    expect(net(KIND[0]!, 'dfdaemon')).toBe(false)
    expect(net(KIND[0]!, 'scheduler')).toBe(false)
    expect(net(KIND[1]!, 'dfdaemon')).toBe(true)
    expect(net(KIND[1]!, 'containerd-star')).toBe(true)
  })

  test('which process is what: comm, node role and network namespace', () => {
    expect(footprintComponent('dfdaemon', 'worker', true)).toBe('dfdaemon')
    expect(footprintComponent('dfdaemon', 'worker', false)).toBe('seed-peer')
    expect(footprintComponent('dfdaemon', 'control-plane', true)).toBe('seed-peer')
    expect(footprintComponent('containerd-star', 'worker', true)).toBe('snapshotter')
    expect(footprintComponent('manager', 'control-plane', false)).toBe('manager')
    expect(footprintComponent('containerd', 'worker', true)).toBeUndefined()
  })

  test('a daemon restarted mid-read: both processes summed on their node, counted as two', () => {
    const twice = structuredClone(LOCAL[1]!)
    const dfdaemon = twice.poll.processes.find((p) => p.comm === 'dfdaemon')!
    twice.poll.processes.push({ ...dfdaemon, pid: dfdaemon.pid + 1 })
    const r = footprintOf([twice]).find((x) => x.component === 'dfdaemon')!
    expect(r.processes).toBe(2)
    expect(r.highWaterMemBytes).toBe(2 * dfdaemon.hwmBytes!)
  })

  test('nothing of the kind on a node: no record, not a zero', () => {
    const empty = { ...LOCAL[1]!, poll: { ...LOCAL[1]!.poll, processes: [] } }
    expect(footprintOf([empty])).toEqual([])
  })
})
