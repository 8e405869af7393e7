// The resource sampler around one scale sample: every POLL_INTERVAL_MS the run's containers from
// their cgroup files (cgroup-stats.ts; `docker stats`, back to back, only for a container whose
// cgroup cannot be read here) and the Dragonfly processes' /proc entries inside the sampled nodes,
// read by one shell loop per node. stop() ends both and returns the peaks. What it costs on the
// cores the pull uses: a few file reads per container and, per sampled node, a shell reading /proc
// once a second.
import { readFile } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'
import {
  cgroupPaths,
  cpuPercent,
  readCgroupSample,
  type CgroupPaths,
  type CgroupSample,
} from './cgroup-stats.ts'
import { RUN_LABEL } from '../profiles/docker.ts'
import { run } from '../base/exec.ts'
import { exec, type Node } from '../profiles/node.ts'
import type { ResourcePeak } from '../report/scale-types.ts'
import {
  PeakTracker,
  parseDockerStats,
  pollSplitter,
  processSamplerScript,
  roleByNode,
} from './scale-resources.ts'
import { parseProcessPoll } from './proc-poll.ts'

export const POLL_INTERVAL_MS = 1000
/** A node's sampler loop ends by itself after this long, should stop() never come. */
const MAX_SAMPLE_MS = 60 * 60_000

export interface SamplerTargets {
  /** nodes whose Dragonfly processes are read (the control plane and the sample's workers) */
  nodes: Node[]
  controlPlane: string
  /** containers for docker stats */
  containers: string[]
}

export interface ResourceSampler {
  stop(): Promise<{ peaks: ResourcePeak[]; problems: string[] }>
}

/** The run's containers (label RUN_LABEL=<run id>) plus the nodes' own (kind's nodes carry no run label). */
export async function runContainers(runId: string, nodes: Node[]): Promise<string[]> {
  const r = await run('docker', ['ps', '--filter', `label=${RUN_LABEL}=${runId}`, '--format', '{{.Names}}'], {
    allowFailure: true,
    timeoutMs: 30_000,
  })
  const labelled = r.exitCode === 0 ? r.stdout.split('\n').map((s) => s.trim()) : []
  return [...new Set([...labelled, ...nodes.map((n) => n.container)].filter(Boolean))].sort()
}

/** Each container's cgroup files, by name, where its init process's cgroup can be read here. */
async function containerCgroups(containers: string[]): Promise<Map<string, CgroupPaths>> {
  const out = new Map<string, CgroupPaths>()
  if (!containers.length) return out
  const r = await run('docker', ['inspect', '--format', '{{.Name}} {{.State.Pid}} {{.Id}}', ...containers], {
    allowFailure: true,
    timeoutMs: 30_000,
  })
  for (const line of r.stdout.split('\n')) {
    const [name, pid, id] = line.trim().replace(/^\//, '').split(' ')
    if (!name || !pid || !id || pid === '0') continue
    const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '')
    const paths = cgroupPaths(text, id)
    if (paths && (await readCgroupSample(paths))) out.set(name, paths)
  }
  return out
}

export function startResourceSampler(
  targets: SamplerTargets,
  intervalMs = POLL_INTERVAL_MS,
): ResourceSampler {
  const tracker = new PeakTracker(roleByNode(targets.controlPlane))
  const problems = new Set<string>()
  const stopper = new AbortController()
  const stopped = () => stopper.signal.aborted

  // Containers whose cgroup this machine can read are sampled from it (docker stats reads 0 here,
  // see cgroup-stats.ts); the rest through docker stats.
  const cgroupLoop = async (viaCgroup: Map<string, CgroupPaths>) => {
    const last = new Map<string, CgroupSample>()
    while (!stopped() && viaCgroup.size) {
      for (const [name, paths] of viaCgroup) {
        const s = await readCgroupSample(paths)
        if (!s) {
          problems.add(`${name}: cgroup files unreadable (${paths.memory})`)
          continue
        }
        const before = last.get(name)
        last.set(name, s)
        const cpu = before ? cpuPercent(before, s) : undefined
        tracker.addContainers([
          { name, memBytes: s.memBytes, ...(cpu !== undefined ? { cpuPercent: cpu } : {}) },
        ])
      }
      await pause(intervalMs)
    }
  }

  const containersLoop = async () => {
    const viaCgroup = await containerCgroups(targets.containers)
    const viaDocker = targets.containers.filter((c) => !viaCgroup.has(c))
    const cgroups = cgroupLoop(viaCgroup)
    while (!stopped() && viaDocker.length) {
      const r = await run('docker', ['stats', '--no-stream', '--format', '{{json .}}', ...viaDocker], {
        allowFailure: true,
        timeoutMs: 60_000,
      }).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }))
      if (r.exitCode !== 0)
        problems.add(`docker stats: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`}`)
      // a read that ends after stop() still covers part of the sample
      tracker.addContainers(parseDockerStats(r.stdout))
      if (r.exitCode !== 0) await pause(intervalMs)
    }
    await cgroups
  }

  const pause = (ms: number) => delay(ms, undefined, { signal: stopper.signal }).catch(() => undefined)

  // One long-running loop per node (processSamplerScript), stopped through a file: a `docker exec`
  // per poll and node would take a good part of 2 cores away from the pull being measured.
  const stopFile = `/tmp/d7y-scale-sampler-${process.pid}-${Date.now().toString(36)}`
  const maxPolls = Math.ceil(MAX_SAMPLE_MS / intervalMs)
  const script = processSamplerScript(stopFile, intervalMs / 1000, maxPolls)
  const nodeLoops = targets.nodes.map(async (node) => {
    const feed = pollSplitter((text) => {
      try {
        tracker.addProcesses(node.name, parseProcessPoll(text))
      } catch (err) {
        problems.add(`${node.name}: /proc poll: ${(err as Error).message}`)
      }
    })
    const r = await exec(node, ['sh', '-c', script], {
      allowFailure: true,
      timeoutMs: MAX_SAMPLE_MS + 60_000,
      onLine: feed,
    }).catch((err: Error) => ({ exitCode: -1, stderr: err.message }))
    if (r.exitCode !== 0)
      problems.add(
        `${node.name}: /proc sampler: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`}`,
      )
  })
  const stopNodes = async () => {
    await Promise.all(
      targets.nodes.map((node) =>
        exec(node, ['touch', stopFile], { allowFailure: true, timeoutMs: 30_000 }).catch(() => undefined),
      ),
    )
    await Promise.all(nodeLoops)
    await Promise.all(
      targets.nodes.map((node) =>
        exec(node, ['rm', '-f', stopFile], { allowFailure: true, timeoutMs: 30_000 }).catch(() => undefined),
      ),
    )
  }

  const containers = containersLoop()
  return {
    async stop() {
      stopper.abort()
      await Promise.all([containers, stopNodes()])
      return { peaks: tracker.result(), problems: [...problems] }
    },
  }
}
