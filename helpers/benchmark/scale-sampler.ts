// The resource sampler around one scale sample: `docker stats` of the run's containers, back to back
// (each call takes its own two reads, about two seconds), and every POLL_INTERVAL_MS the Dragonfly
// processes' /proc entries inside the sampled nodes, read by one shell loop per node. stop() ends
// both and returns the peaks. What it costs on the cores the pull uses: a docker CLI every ~2 s and,
// per sampled node, a shell reading /proc once a second.
import { setTimeout as delay } from 'node:timers/promises'
import { RUN_LABEL } from '../docker.ts'
import { run } from '../exec.ts'
import { exec, type Node } from '../node.ts'
import type { ResourcePeak } from '../report/scale-types.ts'
import {
  PeakTracker,
  parseDockerStats,
  parseProcessPoll,
  pollSplitter,
  processSamplerScript,
  roleByNode,
} from './scale-resources.ts'

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

export function startResourceSampler(
  targets: SamplerTargets,
  intervalMs = POLL_INTERVAL_MS,
): ResourceSampler {
  const tracker = new PeakTracker(roleByNode(targets.controlPlane))
  const problems = new Set<string>()
  const stopper = new AbortController()
  const stopped = () => stopper.signal.aborted

  const containersLoop = async () => {
    while (!stopped() && targets.containers.length) {
      const r = await run(
        'docker',
        ['stats', '--no-stream', '--format', '{{json .}}', ...targets.containers],
        { allowFailure: true, timeoutMs: 60_000 },
      ).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }))
      if (r.exitCode !== 0)
        problems.add(`docker stats: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`}`)
      // a read that ends after stop() still covers part of the sample
      tracker.addContainers(parseDockerStats(r.stdout))
      if (r.exitCode !== 0) await pause(intervalMs)
    }
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
