// Pure parts of the scale benchmark's resource sampler: the two outputs it polls, parsed, and the
// polls folded into each process's and container's peak.
//
// Containers: `docker stats --no-stream --format '{{json .}}' <names…>` prints one JSON object per
// container, its values preformatted by the docker CLI (cli/command/container/formatter_stats.go):
//   {"BlockIO":"0B / 0B","CPUPerc":"12.34%","Container":"d7y-stargz-worker","ID":"4f0c…","MemPerc":"0.11%","MemUsage":"27.5MiB / 23.47GiB","Name":"d7y-stargz-worker","NetIO":"8.95kB / 1.2kB","PIDs":"12"}
// Memory in binary units (B, KiB, MiB, GiB), I/O in decimal ones (B, kB, MB, GB); "--" for a
// container that is not running. CPU % is over the CLI's own two reads, percent of one core.
//
// Processes inside a node: `ps -o pcpu` is the average over the process's whole life, not the
// sample's, so the sampler reads /proc itself (PROCESS_POLL_SCRIPT) and takes CPU from the change in
// utime + stime between two polls over the change in /proc/uptime. Its output:
//   uptime 12345.67 23456.78          (/proc/uptime)
//   clk_tck 100                       (getconf CLK_TCK)
//   4242 (dfdaemon) S 1 4242 … 14 utime 15 stime …   (/proc/<pid>/stat, proc(5))
//   VmHWM:	  123456 kB                  (/proc/<pid>/status)
//   VmRSS:	  120000 kB
import type { ResourcePeak } from '../report/scale-types.ts'
import type { ProcessPoll } from './proc-poll.ts'

/** The processes whose footprint the benchmark records. */
export const SAMPLED_PROCESSES = ['dfdaemon', 'scheduler'] as const

/**
 * Reads every sampled process's /proc entries in one `sh -c` (no procps needed). Vanished processes
 * are skipped silently; a process that ends between its stat and status lines leaves a stat line
 * alone, which the parser accepts.
 */
export const PROCESS_POLL_SCRIPT = [
  'read -r up idle < /proc/uptime; echo "uptime $up $idle"',
  'echo "clk_tck $(getconf CLK_TCK 2>/dev/null || echo 100)"',
  'for d in /proc/[0-9]*; do',
  '  { read -r c < "$d/comm"; } 2>/dev/null || continue',
  `  case "$c" in ${SAMPLED_PROCESSES.join('|')}) cat "$d/stat" "$d/status" 2>/dev/null | grep -E '^([0-9]+ \\(|VmHWM:|VmRSS:)' ;; esac`,
  'done',
].join('\n')

/** The line that ends each poll in processSamplerScript's output. */
export const POLL_END = '--- end of poll'

/**
 * PROCESS_POLL_SCRIPT in a loop inside the node, one poll every `intervalSec`, each ended by
 * POLL_END, until `stopFile` exists (or after `maxPolls`, should nobody create it): one `docker
 * exec` per node per sample instead of one per poll, which on 2 cores would cost the pull itself.
 */
export function processSamplerScript(stopFile: string, intervalSec: number, maxPolls: number): string {
  return [
    `stop='${stopFile.replace(/'/g, '')}'`,
    'i=0',
    `while [ ! -e "$stop" ] && [ "$i" -lt ${Math.floor(maxPolls)} ]; do`,
    '  i=$((i + 1))',
    PROCESS_POLL_SCRIPT,
    `  echo '${POLL_END}'`,
    `  sleep ${intervalSec}`,
    'done',
  ].join('\n')
}

/** Feeds the sampler's output line by line; calls `onPoll` with each complete poll's text. */
export function pollSplitter(onPoll: (text: string) => void): (line: string) => void {
  let lines: string[] = []
  return (line) => {
    if (line.trim() === POLL_END) {
      onPoll(lines.join('\n'))
      lines = []
    } else lines.push(line)
  }
}

export interface ContainerStat {
  name: string
  /** percent of one core; undefined when docker printed "--" */
  cpuPercent?: number
  memBytes?: number
  memLimitBytes?: number
  pids?: number
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
}

/** "27.5MiB", "1.2 kB", "0B" → bytes; undefined for "--" or anything else. */
export function parseDockerSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?i?b)\s*$/i.exec(text)
  if (!m) return undefined
  const unit = UNITS[m[2]!.toLowerCase()]
  return unit === undefined ? undefined : Number(m[1]) * unit
}

function percent(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(text) : null
  return m ? Number(m[1]) : undefined
}

/** One `docker stats --format '{{json .}}'` line; undefined for a line that is not one. */
export function parseDockerStatsLine(line: string): ContainerStat | undefined {
  if (!line.trim().startsWith('{')) return undefined
  let v: Record<string, unknown>
  try {
    v = JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
  const name =
    typeof v.Name === 'string' && v.Name ? v.Name : typeof v.Container === 'string' ? v.Container : ''
  if (!name) return undefined
  const [used, limit] = typeof v.MemUsage === 'string' ? v.MemUsage.split('/') : []
  const pids = typeof v.PIDs === 'string' && /^\d+$/.test(v.PIDs) ? Number(v.PIDs) : undefined
  const out: ContainerStat = { name }
  const cpu = percent(v.CPUPerc)
  const mem = used === undefined ? undefined : parseDockerSize(used)
  const memLimit = limit === undefined ? undefined : parseDockerSize(limit)
  if (cpu !== undefined) out.cpuPercent = cpu
  if (mem !== undefined) out.memBytes = mem
  if (memLimit !== undefined) out.memLimitBytes = memLimit
  if (pids !== undefined) out.pids = pids
  return out
}

export function parseDockerStats(text: string): ContainerStat[] {
  return text
    .split('\n')
    .map(parseDockerStatsLine)
    .filter((s): s is ContainerStat => s !== undefined)
}

/** What a sampled process is, from its name and where it runs. */
export type ProcessRole = (node: string, comm: string) => ResourcePeak['component'] | undefined

/**
 * The local profile's layout (and the chart's default one on kind's control plane): a dfdaemon on
 * the control-plane node is the seed peer, one on a worker is that worker's client.
 */
export function roleByNode(controlPlane: string): ProcessRole {
  return (node, comm) => {
    if (comm === 'scheduler') return 'scheduler'
    if (comm === 'dfdaemon') return node === controlPlane ? 'seed-peer' : 'dfdaemon'
    return undefined
  }
}

interface PeakAcc {
  component: ResourcePeak['component']
  where: string
  mem: number
  hwm?: number
  cpu: number
  polls: number
}

/** Folds polls, in the order taken, into peaks: one per container and one per (node, process kind). */
export class PeakTracker {
  private readonly peaks = new Map<string, PeakAcc>()
  /** the previous poll of each node: uptime and ticks per pid */
  private readonly last = new Map<string, { uptimeSec: number; ticks: Map<number, number> }>()

  constructor(private readonly role: ProcessRole) {}

  private acc(component: ResourcePeak['component'], where: string): PeakAcc {
    const key = `${component}\u0000${where}`
    let a = this.peaks.get(key)
    if (!a) this.peaks.set(key, (a = { component, where, mem: 0, cpu: 0, polls: 0 }))
    return a
  }

  addContainers(stats: ContainerStat[]): void {
    for (const s of stats) {
      const a = this.acc('container', s.name)
      a.polls++
      a.mem = Math.max(a.mem, s.memBytes ?? 0)
      a.cpu = Math.max(a.cpu, s.cpuPercent ?? 0)
    }
  }

  /**
   * One node's poll. Processes of one kind on one node are summed (a restarted daemon's old and new
   * pid never overlap; two of a kind on a node would be counted as one footprint). CPU needs the
   * same pid in the previous poll of that node.
   */
  addProcesses(node: string, poll: ProcessPoll): void {
    const prev = this.last.get(node)
    const elapsed = prev ? poll.uptimeSec - prev.uptimeSec : 0
    const byKind = new Map<ResourcePeak['component'], { mem: number; hwm: number; cpu: number }>()
    for (const p of poll.processes) {
      const kind = this.role(node, p.comm)
      if (!kind) continue
      const k = byKind.get(kind) ?? { mem: 0, hwm: 0, cpu: 0 }
      k.mem += p.rssBytes ?? 0
      k.hwm += p.hwmBytes ?? 0
      const before = prev?.ticks.get(p.pid)
      if (before !== undefined && elapsed > 0)
        k.cpu += (((p.cpuTicks - before) / poll.clkTck) * 100) / elapsed
      byKind.set(kind, k)
    }
    for (const [kind, k] of byKind) {
      const a = this.acc(kind, node)
      a.polls++
      a.mem = Math.max(a.mem, k.mem)
      a.hwm = k.hwm || a.hwm
      a.cpu = Math.max(a.cpu, k.cpu)
    }
    this.last.set(node, {
      uptimeSec: poll.uptimeSec,
      ticks: new Map(poll.processes.map((p) => [p.pid, p.cpuTicks])),
    })
  }

  result(): ResourcePeak[] {
    return [...this.peaks.values()].map((a) => ({
      component: a.component,
      where: a.where,
      peakMemBytes: a.mem,
      ...(a.hwm !== undefined ? { highWaterMemBytes: a.hwm } : {}),
      peakCpuPercent: Number(a.cpu.toFixed(1)),
      polls: a.polls,
    }))
  }
}
