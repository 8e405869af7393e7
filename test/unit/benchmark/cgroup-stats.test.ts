// Container footprint from cgroup files: paths from /proc/<pid>/cgroup (captured on this project's
// machine, 2026-12-03: a local-profile node container whose systemd sits in init.scope), the
// docker stats conventions for memory and CPU.
import { describe, expect, test } from 'vitest'
import {
  cgroupPaths,
  containerCgroup,
  cpuPercent,
  cpuSeconds,
  memoryInUse,
} from '../../../helpers/benchmark/cgroup-stats.ts'

const ID = 'd2ed09e1c92657d92dc4d5b60bb36398a7fe9e06d520e620c986105e0a4e9c16'
const NODE_INIT_CGROUP = `13:perf_event:/
11:hugetlb:/
10:net_cls,net_prio:/
9:name=systemd:/docker/${ID}/init.scope
8:pids:/docker/${ID}/init.scope
7:blkio:/docker/${ID}/init.scope
4:memory:/docker/${ID}/init.scope
3:cpuset:/docker/${ID}
2:cpuacct:/docker/${ID}/init.scope
1:cpu:/docker/${ID}/init.scope
0::/docker/${ID}/init.scope
`

describe('cgroup stats', () => {
  test("a node container is counted at its own cgroup, not its systemd's init.scope", () => {
    expect(cgroupPaths(NODE_INIT_CGROUP, ID)).toEqual({
      memory: `/sys/fs/cgroup/memory/docker/${ID}/memory.usage_in_bytes`,
      memoryStat: `/sys/fs/cgroup/memory/docker/${ID}/memory.stat`,
      cpu: `/sys/fs/cgroup/cpuacct/docker/${ID}/cpuacct.usage`,
      cpuUnit: 'ns',
    })
  })

  test('the systemd cgroup driver names the container in a scope', () => {
    expect(containerCgroup(`/system.slice/docker-${ID}.scope/init.scope`, ID)).toBe(
      `/system.slice/docker-${ID}.scope`,
    )
    expect(containerCgroup('/elsewhere', ID)).toBe('/elsewhere')
  })

  test('cgroup v2 only: the unified files', () => {
    expect(cgroupPaths(`0::/system.slice/docker-${ID}.scope\n`, ID)).toMatchObject({
      memory: `/sys/fs/cgroup/system.slice/docker-${ID}.scope/memory.current`,
      cpuUnit: 'usec-stat',
    })
  })

  test('no memory or cpu accounting: nothing to read', () => {
    expect(cgroupPaths('13:perf_event:/\n', ID)).toBeUndefined()
  })

  test('memory as docker stats counts it: usage minus inactive file cache', () => {
    expect(memoryInUse('104296448\n', 'cache 5\ntotal_inactive_file 4096\n')).toBe(104292352)
    expect(memoryInUse('2000\n', 'anon 1\ninactive_file 500\n')).toBe(1500)
    expect(memoryInUse('', '')).toBeUndefined()
  })

  test('CPU time and percent of one core between two reads', () => {
    expect(cpuSeconds('43644261124\n', 'ns')).toBeCloseTo(43.644261124)
    expect(cpuSeconds('usage_usec 2500000\nuser_usec 1\n', 'usec-stat')).toBe(2.5)
    expect(cpuSeconds('', 'ns')).toBeUndefined()
    expect(
      cpuPercent({ memBytes: 0, cpuSeconds: 10, at: 0 }, { memBytes: 0, cpuSeconds: 10.5, at: 1000 }),
    ).toBe(50)
    expect(
      cpuPercent({ memBytes: 0, cpuSeconds: 1, at: 5 }, { memBytes: 0, cpuSeconds: 2, at: 5 }),
    ).toBeUndefined()
  })
})
