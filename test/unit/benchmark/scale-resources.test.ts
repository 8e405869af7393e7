// The resource sampler's parsers on text in the exact format the commands print, and the peaks
// folded from consecutive polls.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  POLL_END,
  PROCESS_POLL_SCRIPT,
  PeakTracker,
  pollSplitter,
  processSamplerScript,
  parseDockerSize,
  parseDockerStats,
  roleByNode,
} from '../../../helpers/benchmark/scale-resources.ts'
import { parseProcStat, parseProcessPoll } from '../../../helpers/benchmark/proc-poll.ts'

const MiB = 2 ** 20

// `docker stats --no-stream --format '{{json .}}' a b c`: one object per container, keys as the
// docker CLI's stats formatter marshals them; a stopped container prints "--".
const DOCKER_STATS = [
  '{"BlockIO":"1.52MB / 213kB","CPUPerc":"87.41%","Container":"d7y-stargz-worker","ID":"4f0c2d1e9a7b","MemPerc":"1.63%","MemUsage":"391.2MiB / 23.47GiB","Name":"d7y-stargz-worker","NetIO":"72.3MB / 1.94MB","PIDs":"48"}',
  '{"BlockIO":"0B / 0B","CPUPerc":"3.05%","Container":"d7y-stargz-control-plane","ID":"9b1c7e3f2a6d","MemPerc":"0.93%","MemUsage":"223.5MiB / 23.47GiB","Name":"d7y-stargz-control-plane","NetIO":"140MB / 139MB","PIDs":"61"}',
  '{"BlockIO":"--","CPUPerc":"--","Container":"d7y-stargz-registry","ID":"1a2b3c4d5e6f","MemPerc":"--","MemUsage":"-- / --","Name":"d7y-stargz-registry","NetIO":"--","PIDs":"--"}',
].join('\n')

// PROCESS_POLL_SCRIPT run twice, about 1.9 s apart, on a machine of this project's kind (Debian 12,
// kernel /proc), against a busy process whose executable was named dfdaemon (a copy of yes).
const POLL_1 = `uptime 8282.26 12596.64
clk_tck 100
29088 (dfdaemon) R 29087 29083 26418 0 -1 4194304 145 0 0 0 44 133 0 0 20 0 1 0 828041 2990080 379 18446744073709551615 94883545423872 94883545440841 140724107818736 0 0 0 0 6 0 0 0 0 17 0 0 0 0 0 0 94883545455888 94883545457120 94883619479552 140724107823806 140724107823823 140724107823823 140724107825127 0
VmHWM:	    1696 kB
VmRSS:	    1696 kB
`
const POLL_2 = `uptime 8284.12 12597.67
clk_tck 100
29088 (dfdaemon) R 29087 29083 26418 0 -1 4194304 145 0 0 0 89 262 0 0 20 0 1 0 828041 2990080 379 18446744073709551615 94883545423872 94883545440841 140724107818736 0 0 0 0 6 0 0 0 0 17 1 0 0 0 0 0 94883545455888 94883545457120 94883619479552 140724107823806 140724107823823 140724107823823 140724107825127 0
VmHWM:	    1696 kB
VmRSS:	    1696 kB
`
// The same script with an idle dfdaemon and scheduler (copies of sleep) on the same machine.
const POLL_IDLE = `uptime 8247.43 12530.98
clk_tck 100
28958 (dfdaemon) S 28957 28952 26418 0 -1 4194304 134 0 0 0 0 0 0 0 20 0 1 0 824632 2990080 421 18446744073709551615 93916659740672 93916659758601 140731780820992 0 0 0 0 6 0 1 0 0 17 0 0 0 0 0 0 93916659772688 93916659773952 93917726720000 140731780823739 140731780823759 140731780823759 140731780825063 0
VmHWM:	    1792 kB
VmRSS:	    1792 kB
28959 (scheduler) S 28957 28952 26418 0 -1 4194304 131 0 0 0 0 0 0 0 20 0 1 0 824632 2990080 387 18446744073709551615 94760376385536 94760376403465 140731673268352 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 94760376417552 94760376418816 94761419575296 140731673275064 140731673275085 140731673275085 140731673276390 0
VmHWM:	    1756 kB
VmRSS:	    1756 kB
`

describe('docker stats', () => {
  test('sizes in the units docker prints', () => {
    expect(parseDockerSize('391.2MiB')).toBeCloseTo(391.2 * MiB)
    expect(parseDockerSize('23.47GiB')).toBeCloseTo(23.47 * 2 ** 30)
    expect(parseDockerSize('213kB')).toBe(213_000)
    expect(parseDockerSize('0B')).toBe(0)
    expect(parseDockerSize('796 KiB')).toBe(796 * 1024)
    expect(parseDockerSize('--')).toBeUndefined()
  })

  test('one record per container; a stopped one has no numbers', () => {
    const stats = parseDockerStats(DOCKER_STATS + '\n\nwarning: not json\n')
    expect(stats).toHaveLength(3)
    expect(stats[0]).toEqual({
      name: 'd7y-stargz-worker',
      cpuPercent: 87.41,
      memBytes: 391.2 * MiB,
      memLimitBytes: 23.47 * 2 ** 30,
      pids: 48,
    })
    expect(stats[2]).toEqual({ name: 'd7y-stargz-registry' })
  })
})

describe('/proc polls', () => {
  test('the script reads only /proc and sh builtins, for both process names', () => {
    expect(PROCESS_POLL_SCRIPT).toMatch(/case "\$c" in dfdaemon\|scheduler\)/)
    expect(PROCESS_POLL_SCRIPT).not.toMatch(/\bps\b|pgrep/)
  })

  test("a stat line's utime + stime, also when comm holds spaces and parentheses", () => {
    expect(parseProcStat(POLL_1.split('\n')[2]!)).toEqual({
      pid: 29088,
      comm: 'dfdaemon',
      cpuTicks: 44 + 133,
    })
    const odd = POLL_1.split('\n')[2]!.replace('(dfdaemon)', '(a) b (c)')
    expect(parseProcStat(odd)).toEqual({ pid: 29088, comm: 'a) b (c', cpuTicks: 177 })
    expect(parseProcStat('VmRSS:\t 1 kB')).toBeUndefined()
  })

  test('a poll: clock, tick rate, each process with its resident set and high-water mark', () => {
    const p = parseProcessPoll(POLL_IDLE)
    expect(p.uptimeSec).toBe(8247.43)
    expect(p.clkTck).toBe(100)
    expect(p.processes).toEqual([
      { pid: 28958, comm: 'dfdaemon', cpuTicks: 0, rssBytes: 1792 * 1024, hwmBytes: 1792 * 1024 },
      { pid: 28959, comm: 'scheduler', cpuTicks: 0, rssBytes: 1756 * 1024, hwmBytes: 1756 * 1024 },
    ])
    expect(() => parseProcessPoll('sh: 1: cannot open /proc/uptime')).toThrow(/not a process poll/)
  })
})

describe('the sampler loop', () => {
  test('splits its output into polls at the end marker', () => {
    const polls: string[] = []
    const feed = pollSplitter((t) => polls.push(t))
    for (const line of [...POLL_1.split('\n'), POLL_END, ...POLL_2.split('\n'), POLL_END, 'uptime 1 1'])
      feed(line)
    expect(polls).toHaveLength(2)
    expect(parseProcessPoll(polls[1]!).uptimeSec).toBe(8284.12)
  })

  test.runIf(existsSync('/proc/uptime'))('runs in sh on this machine and stops after its last poll', () => {
    const script = processSamplerScript('/nonexistent/stop', 0.1, 3)
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', timeout: 10_000 })
    const polls: string[] = []
    const feed = pollSplitter((t) => polls.push(t))
    out.split('\n').forEach(feed)
    expect(polls).toHaveLength(3)
    const parsed = polls.map(parseProcessPoll)
    expect(parsed[2]!.uptimeSec).toBeGreaterThan(parsed[0]!.uptimeSec)
  })

  test('an existing stop file ends it before the first poll', () => {
    expect(execFileSync('sh', ['-c', processSamplerScript('/', 0.1, 3)], { encoding: 'utf8' })).toBe('')
  })
})

describe('peaks', () => {
  test('CPU from the change in ticks over the change in uptime; memory the largest seen', () => {
    const t = new PeakTracker(roleByNode('cp'))
    t.addProcesses('worker', parseProcessPoll(POLL_1))
    t.addProcesses('worker', parseProcessPoll(POLL_2))
    const [peak] = t.result()
    expect(peak).toMatchObject({
      component: 'dfdaemon',
      where: 'worker',
      peakMemBytes: 1696 * 1024,
      polls: 2,
    })
    // (351 - 177) ticks / 100 Hz over 1.86 s
    expect(peak!.peakCpuPercent).toBeCloseTo(93.5, 1)
  })

  test("the control plane's dfdaemon is the seed peer; the first poll of a node has no CPU yet", () => {
    const t = new PeakTracker(roleByNode('cp'))
    t.addProcesses('cp', parseProcessPoll(POLL_IDLE))
    t.addContainers(parseDockerStats(DOCKER_STATS))
    const peaks = t.result()
    expect(peaks.find((p) => p.component === 'seed-peer')).toMatchObject({ where: 'cp', peakCpuPercent: 0 })
    expect(peaks.find((p) => p.component === 'scheduler')).toMatchObject({ peakMemBytes: 1756 * 1024 })
    expect(peaks.find((p) => p.where === 'd7y-stargz-worker')).toMatchObject({
      component: 'container',
      peakCpuPercent: 87.4,
    })
    expect(peaks.find((p) => p.where === 'd7y-stargz-registry')).toMatchObject({ peakMemBytes: 0, polls: 1 })
  })

  test('a restarted process (new pid) gives no CPU figure for that interval', () => {
    const t = new PeakTracker(roleByNode('cp'))
    t.addProcesses('worker', parseProcessPoll(POLL_1))
    t.addProcesses('worker', parseProcessPoll(POLL_2.replaceAll('29088', '30000')))
    expect(t.result()[0]!.peakCpuPercent).toBe(0)
  })
})
