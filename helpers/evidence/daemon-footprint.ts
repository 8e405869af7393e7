// The daemons' footprint through the P2P pull, recorded in every run's summary so `compare` can hold
// two runs side by side: each Dragonfly daemon's and the snapshotter's peak resident memory and the
// CPU time it used, read once from /proc on every node after the pull's evidence is in.
//
// VmHWM is the kernel's own high-water mark of the resident set since the process started, so one
// read after the pull needs no sampler; utime + stime is the CPU the process used since it started.
// A daemon restarted during the run starts both over: the figure then covers less than the pull.
//
// Which process is what: the comm names (15 characters at most, so the snapshotter's
// containerd-stargz-grpc reads "containerd-star"); a dfdaemon is the seed peer when it runs on the
// control-plane node (local profile: a systemd unit there) or outside its node's network namespace
// (kind: the chart's seed-client pods are not on the host network; its clients are).
import { parseProcessPoll, type ProcessPoll } from '../benchmark/proc-poll.ts'
import { sh, type Node } from '../profiles/node.ts'

export const FOOTPRINT_COMPONENTS = ['dfdaemon', 'seed-peer', 'scheduler', 'manager', 'snapshotter'] as const
export type FootprintComponent = (typeof FOOTPRINT_COMPONENTS)[number]

/** comm → component, before the seed peer is told apart from the clients */
const COMMS: Record<string, FootprintComponent> = {
  dfdaemon: 'dfdaemon',
  scheduler: 'scheduler',
  manager: 'manager',
  'containerd-star': 'snapshotter',
}

/**
 * Reads every footprint process's /proc entries on one node in one `sh -c`: its stat and status
 * lines and whether it shares the network namespace of the node's pid 1 (output: parseProcessPoll's
 * format plus a "netns host|own" line after each process's stat line).
 */
export const FOOTPRINT_POLL_SCRIPT = [
  'read -r up idle < /proc/uptime; echo "uptime $up $idle"',
  'echo "clk_tck $(getconf CLK_TCK 2>/dev/null || echo 100)"',
  'host=$(readlink /proc/1/ns/net 2>/dev/null || true)',
  'for d in /proc/[0-9]*; do',
  '  { read -r c < "$d/comm"; } 2>/dev/null || continue',
  `  case "$c" in ${Object.keys(COMMS).join('|')}) ;; *) continue ;; esac`,
  '  stat=$(cat "$d/stat" 2>/dev/null) || continue',
  '  echo "$stat"',
  '  if [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$host" ]; then echo "netns host"; else echo "netns own"; fi',
  '  grep -E \'^(VmHWM|VmRSS):\' "$d/status" 2>/dev/null || true',
  'done',
].join('\n')

export interface DaemonFootprint {
  component: FootprintComponent
  /** the node's name in reports */
  node: string
  /** VmHWM summed over the component's processes on the node (one, unless it restarted mid-read) */
  highWaterMemBytes: number
  /** utime + stime over those processes, seconds */
  cpuSeconds: number
  processes: number
}

export interface NodePoll {
  node: string
  role: 'control-plane' | 'worker'
  poll: ProcessPoll
}

/** What a process is, by its comm, its node and its network namespace; undefined: not a footprint process. */
export function footprintComponent(
  comm: string,
  nodeRole: NodePoll['role'],
  hostNetwork: boolean | undefined,
): FootprintComponent | undefined {
  const component = COMMS[comm]
  if (component !== 'dfdaemon') return component
  return nodeRole === 'control-plane' || hostNetwork === false ? 'seed-peer' : 'dfdaemon'
}

/** One record per (component, node), in FOOTPRINT_COMPONENTS order, then by node. */
export function footprintOf(polls: NodePoll[]): DaemonFootprint[] {
  const records = new Map<string, DaemonFootprint>()
  for (const { node, role, poll } of polls)
    for (const p of poll.processes) {
      const component = footprintComponent(p.comm, role, p.hostNetwork)
      if (!component) continue
      const key = `${component}\u0000${node}`
      const r = records.get(key) ?? { component, node, highWaterMemBytes: 0, cpuSeconds: 0, processes: 0 }
      r.highWaterMemBytes += p.hwmBytes ?? 0
      r.cpuSeconds = Number((r.cpuSeconds + p.cpuTicks / poll.clkTck).toFixed(2))
      r.processes++
      records.set(key, r)
    }
  const order = (c: FootprintComponent) => FOOTPRINT_COMPONENTS.indexOf(c)
  return [...records.values()].sort(
    (a, b) => order(a.component) - order(b.component) || a.node.localeCompare(b.node),
  )
}

/**
 * Reads every node's footprint processes; a node that cannot be read is a problem named, not a
 * thrown error (the footprint is a figure, not a check).
 */
export async function readFootprint(
  nodes: Node[],
): Promise<{ footprint: DaemonFootprint[]; problems: string[] }> {
  const polls: NodePoll[] = []
  const problems: string[] = []
  for (const node of nodes) {
    try {
      const { stdout } = await sh(node, FOOTPRINT_POLL_SCRIPT, { timeoutMs: 60_000 })
      polls.push({ node: node.name, role: node.role, poll: parseProcessPoll(stdout) })
    } catch (error) {
      problems.push(`${node.name}: ${(error as Error).message.split('\n')[0]}`)
    }
  }
  return { footprint: footprintOf(polls), problems }
}
