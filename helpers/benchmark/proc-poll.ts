// One read of processes' /proc entries inside a node, parsed: what the scale benchmark's sampler
// polls and what every run's daemon footprint reads once. A leaf (it imports nothing), so the
// evidence that every run collects does not reach up into the benchmark's report types.
//
// The text: "uptime <s> <idle>", "clk_tck <n>", then per process its /proc/<pid>/stat line (proc(5)),
// optionally "netns host|own" and its VmHWM/VmRSS lines from /proc/<pid>/status.

export interface ProcessStat {
  pid: number
  comm: string
  /** utime + stime, in clock ticks */
  cpuTicks: number
  rssBytes?: number
  hwmBytes?: number
  /** whether it runs in the node's own network namespace (only where the poll asked: FOOTPRINT_POLL_SCRIPT) */
  hostNetwork?: boolean
}

export interface ProcessPoll {
  /** seconds since the node's kernel booted (/proc/uptime), the clock CPU rates are taken over */
  uptimeSec: number
  clkTck: number
  processes: ProcessStat[]
}

/** /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split at the last ")". */
export function parseProcStat(line: string): Omit<ProcessStat, 'rssBytes' | 'hwmBytes'> | undefined {
  const open = line.indexOf(' (')
  const close = line.lastIndexOf(')')
  if (open < 0 || close < open) return undefined
  const pid = Number(line.slice(0, open))
  // fields after the comm start at field 3 (state); utime and stime are fields 14 and 15 (proc(5))
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  const utime = Number(rest[14 - 3])
  const stime = Number(rest[15 - 3])
  if (!Number.isInteger(pid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined
  return { pid, comm: line.slice(open + 2, close), cpuTicks: utime + stime }
}

/** The output of PROCESS_POLL_SCRIPT. Throws when it has no uptime line (not that script's output). */
export function parseProcessPoll(text: string): ProcessPoll {
  let uptimeSec: number | undefined
  let clkTck = 100
  const processes: ProcessStat[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const up = /^uptime (\d+(?:\.\d+)?)/.exec(line)
    if (up) {
      uptimeSec = Number(up[1])
      continue
    }
    const tck = /^clk_tck (\d+)$/.exec(line)
    if (tck) {
      clkTck = Number(tck[1]) || 100
      continue
    }
    const ns = /^netns (host|own)$/.exec(line)
    if (ns) {
      const last = processes[processes.length - 1]
      if (last) last.hostNetwork = ns[1] === 'host'
      continue
    }
    const vm = /^Vm(RSS|HWM):\s*(\d+)\s*kB$/.exec(line)
    if (vm) {
      const last = processes[processes.length - 1]
      if (last) last[vm[1] === 'RSS' ? 'rssBytes' : 'hwmBytes'] = Number(vm[2]) * 1024
      continue
    }
    const stat = parseProcStat(line)
    if (stat) processes.push(stat)
  }
  if (uptimeSec === undefined) throw new Error(`not a process poll (no uptime line): ${text.slice(0, 120)}`)
  return { uptimeSec, clkTck, processes }
}
