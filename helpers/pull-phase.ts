// One pull phase: mark where its evidence starts, run the image on every worker, wait (by
// condition) until background fetching is over, then collect the evidence of that window.
import type { DfdaemonTraffic } from './evidence/prom-metrics.ts'
import {
  dfdaemonEvidence,
  layerTaskId,
  originEvidence,
  stargzEvidence,
  trafficOf,
} from './evidence/collect.ts'
import type { OriginReport } from './evidence/origin-accounting.ts'
import { runImage, type RunOutcome } from './image/nerdctl.ts'
import { parseRef } from './image/registry-client.ts'
import { nodeTime, type Node } from './node.ts'
import type { Config } from './config.ts'
import type { Profile } from './profile.ts'
import { helmValues } from './render/index.ts'
import type { OriginRegistry } from './registry.ts'
import type { LayerInfo, OriginRow } from './run-context.ts'
import type { Layer, WorkerEvidence } from './checks/node-evidence.ts'
import { LARGE_LAYER_BYTES } from './checks/back-to-source.ts'
import { waitFor } from './wait.ts'

export interface PhaseMark {
  /** this machine's clock (the registry container's log timestamps) */
  hostSince: string
  /** each worker's clock (its journal) */
  nodeSince: Record<string, string>
}

export async function markPhase(workers: Node[]): Promise<PhaseMark> {
  const nodeSince: Record<string, string> = {}
  for (const w of workers) nodeSince[w.name] = await nodeTime(w)
  return { hostSince: new Date(Date.now() - 1000).toISOString(), nodeSince }
}

export async function runOnWorkers(
  workers: Node[],
  ref: string,
  command: string[],
  log: (l: string) => void,
): Promise<(RunOutcome & { node: string })[]> {
  const outcomes = []
  for (const w of workers) {
    const o = await runImage(w, ref, 'stargz', command)
    log(
      `${w.name}: exit ${o.exitCode} in ${(o.durationMs / 1000).toFixed(1)}s: ${o.output.split('\n').pop()}`,
    )
    outcomes.push({ node: w.name, ...o })
  }
  return outcomes
}

/** The image's layers with the task id dfdaemon gives each (digest or URL mode, as the values say). */
export function imageLayers(image: { esgzRef: string; layers: LayerInfo[] }, config: Config): Layer[] {
  const digestMode = helmValues(config).client.config.proxy.registryMirror.enableTaskIDBasedBlobDigest
  const { host, name } = parseRef(image.esgzRef)
  return image.layers.map((l) => ({
    digest: l.digest,
    size: l.size,
    taskId: layerTaskId(host, name, l.digest, digestMode),
  }))
}

export interface PhaseEvidence {
  workers: WorkerEvidence[]
  origin: OriginReport
  /** BACK_TO_SOURCE bytes over every dfdaemon (clients and seed peer) during the phase */
  backToSourceBytes?: number
  traffic: Record<string, DfdaemonTraffic>
}

/** Waits until every worker's dfdaemon reports the end (success or failure) of every large layer's task. */
export async function awaitDfdaemonTasks(
  profile: Profile,
  workers: Node[],
  layers: Layer[],
  mark: PhaseMark,
  timeoutMs: number,
) {
  const large = layers.filter((l) => l.size >= LARGE_LAYER_BYTES)
  return waitFor(
    `dfdaemon on ${workers.map((w) => w.name).join(', ')} to finish the tasks of ${large.length} large layer(s)`,
    async () => {
      for (const w of workers) {
        const s = await dfdaemonEvidence(
          profile,
          w,
          large.map((l) => l.taskId),
          mark.nodeSince[w.name],
        )
        // The whole task, not just the ranges the snapshotter asked for: a background prefetch ends
        // with dfdaemon telling the scheduler the peer finished.
        if (
          !large.every((l) => (s.tasks[l.taskId]?.peerFinished ?? 0) + (s.tasks[l.taskId]?.failed ?? 0) > 0)
        )
          return false
      }
      return true
    },
    { timeoutMs, intervalMs: 2000 },
  )
}

/** Waits until the origin has sent every worker each large layer at least once (direct pulls). */
export async function awaitOriginTransfers(
  registry: OriginRegistry,
  manifest: unknown,
  workers: Node[],
  layers: Layer[],
  mark: PhaseMark,
  timeoutMs: number,
) {
  const large = layers.filter((l) => l.size >= LARGE_LAYER_BYTES)
  return waitFor(
    `the origin to send each of ${workers.length} workers the whole of ${large.length} large layer(s)`,
    async () => {
      const report = await originEvidence(registry, manifest, mark.hostSince)
      return large.every((l) => {
        const row = report.rows.find((r) => r.digest === l.digest)
        return workers.every((w) => (row?.byClient[w.ip]?.contentBytes ?? 0) >= l.size)
      })
    },
    { timeoutMs, intervalMs: 2000 },
  )
}

export async function collectPhase(
  profile: Profile,
  registry: OriginRegistry,
  manifest: unknown,
  workers: Node[],
  layers: Layer[],
  mark: PhaseMark,
  before?: Record<string, DfdaemonTraffic>,
): Promise<PhaseEvidence> {
  const evidence: WorkerEvidence[] = []
  for (const w of workers)
    evidence.push({
      node: w.name,
      ip: w.ip,
      stargz: await stargzEvidence(w, mark.nodeSince[w.name]!),
      dfdaemon: await dfdaemonEvidence(
        profile,
        w,
        layers.map((l) => l.taskId),
        mark.nodeSince[w.name],
      ),
    })
  const traffic = await dragonflyTraffic(profile, workers).catch(() => undefined)
  let backToSourceBytes: number | undefined
  if (traffic && before)
    backToSourceBytes = Object.keys(traffic).reduce(
      (sum, k) => sum + traffic[k]!.backToSource - (before[k]?.backToSource ?? 0),
      0,
    )
  return {
    workers: evidence,
    origin: await originEvidence(registry, manifest, mark.hostSince),
    backToSourceBytes,
    traffic: traffic ?? {},
  }
}

/** dfdaemon traffic counters of every worker and the seed peer. */
export async function dragonflyTraffic(
  profile: Profile,
  workers: Node[],
): Promise<Record<string, DfdaemonTraffic>> {
  const out: Record<string, DfdaemonTraffic> = { 'seed-peer': await trafficOf(await profile.seedMetrics()) }
  for (const w of workers) out[w.name] = await trafficOf(await profile.clientMetrics(w))
  return out
}

export function originTable(report: OriginReport): OriginRow[] {
  return report.rows.map((r) => ({
    digest: r.digest,
    size: r.size,
    mediaType: r.mediaType,
    nodes: r.clients,
    bytesServed: r.bytesServed,
    amplification: Number(r.amplification.toFixed(3)),
  }))
}
