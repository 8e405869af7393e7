// One pull phase: mark where its evidence starts, run the image on every worker, wait (by
// condition) until background fetching is over, then collect the evidence of that window.
import type { DfdaemonTraffic } from '../evidence/prom-metrics.ts'
import {
  dfdaemonEvidence,
  layerTaskId,
  originEvidence,
  stargzEvidence,
  trafficOf,
} from '../evidence/collect.ts'
import { summarizeDfdaemonLog, type DfdaemonLogSummary } from '../evidence/dfdaemon-log.ts'
import type { OriginReport } from '../evidence/origin-accounting.ts'
import { runImage, type RunOutcome } from '../image/nerdctl.ts'
import { parseRef } from '../image/registry-client.ts'
import { nodeTime, type Node } from '../profiles/node.ts'
import type { Config } from './config.ts'
import type { Profile } from '../profiles/profile.ts'
import { helmValues, type DragonflyValues } from '../render/index.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import type { OriginRow } from '../evidence/origin-figures.ts'
import { runState, type LayerInfo } from './state.ts'
import type { FreshImage } from '../image/fresh-blobs.ts'
import { otherRunEvidence } from '../checks/run-mark.ts'
import { silentAtDebug, viaDfdaemon, type Layer, type WorkerEvidence } from '../checks/node-evidence.ts'
import {
  LARGE_LAYER_BYTES,
  type BackToSourceFacts,
  type LayerSize,
  type NodeSourceReads,
} from '../checks/back-to-source.ts'
import type { Verdict } from '../checks/verdict.ts'
import { mirrorBypassed } from '../checks/mirror-bypassed.ts'
import type { NodePieceClock } from '../checks/on-demand-reads.ts'
import { resetImageState } from '../stargz/install.ts'
import { waitFor } from '../base/wait.ts'

export interface PhaseMark {
  /** the run this pull belongs to (evidence carries it, so a report cannot mix runs) */
  runId: string
  /** this machine's clock (the registry container's log timestamps), to the millisecond */
  hostSince: string
  /** each worker's clock (its journal), to the microsecond */
  nodeSince: Record<string, string>
}

/** Marks where a pull's evidence starts: taken right before the pull, no earlier. */
export async function markPhase(workers: Node[], runId: string): Promise<PhaseMark> {
  const hostSince = new Date().toISOString()
  const nodeSince: Record<string, string> = {}
  for (const w of workers) nodeSince[w.name] = await nodeTime(w)
  return { runId, hostSince, nodeSince }
}

/** Clean state for a cold pull on these workers: no image state, empty dfdaemon and seed caches. */
export async function resetForPull(
  profile: Profile,
  workers: Node[],
  timeoutMs: number,
  log: (l: string) => void,
): Promise<void> {
  for (const w of workers) {
    log(`${w.name}: clearing images, snapshots and snapshotter caches`)
    await resetImageState(w, timeoutMs)
  }
  log('clearing the dfdaemon and seed peer caches')
  await profile.resetDragonfly(workers, { includeSeed: true })
}

/** How the workers start the pull: all at the same moment (a rollout), or one after the other. */
export type PullPattern = 'concurrent' | 'sequential'

export async function runOnWorkers(
  workers: Node[],
  ref: string,
  command: string[],
  log: (l: string) => void,
  pattern: PullPattern = 'sequential',
): Promise<(RunOutcome & { node: string })[]> {
  const one = async (w: Node) => {
    const o = await runImage(w, ref, 'stargz', command)
    log(
      `${w.name}: exit ${o.exitCode} in ${(o.durationMs / 1000).toFixed(1)}s: ${o.output.split('\n').pop()}`,
    )
    return { node: w.name, ...o }
  }
  if (pattern === 'concurrent') return Promise.all(workers.map(one))
  const outcomes = []
  for (const w of workers) outcomes.push(await one(w))
  return outcomes
}

/** The image's layers with the task id dfdaemon gives each (digest or URL mode, as the values say). */
export function imageLayers(
  image: { esgzRef: string; layers: LayerInfo[] },
  config: Config,
  values: DragonflyValues = helmValues(config),
): Layer[] {
  const digestMode = values.client.config.proxy.registryMirror.enableTaskIDBasedBlobDigest
  const { host, name } = parseRef(image.esgzRef)
  return image.layers.map((l) => ({
    digest: l.digest,
    size: l.size,
    taskId: layerTaskId(host, name, l.digest, digestMode),
  }))
}

export interface PhaseEvidence {
  /** the run and the window this evidence was collected for */
  mark: PhaseMark
  workers: WorkerEvidence[]
  origin: OriginReport
  /**
   * the seed peer's address (from its own log's host id), the address of the node it runs on (the
   * origin sees that one when pod traffic leaves the node through NAT, as on kind), and what its log
   * says of the layers
   */
  seed: { ip?: string; nodeIp?: string; dfdaemon: DfdaemonLogSummary }
  /** BACK_TO_SOURCE bytes over every dfdaemon (clients and seed peer) during the phase; a string says why unknown */
  backToSourceBytes: number | string
}

/**
 * dfdaemon will never fetch the whole blob: every request for it was proxied without asking for a
 * background prefetch (the `prefetch: false` of each `download task started`, i.e. proxy.prefetch off
 * in the config in force, read from the node's own log).
 */
export function noWholeBlobComing(task: { started: number; startedWithoutPrefetch: number }): boolean {
  return task.started > 0 && task.startedWithoutPrefetch === task.started
}

/** With no whole-blob task coming, the pull is over once its evidence has not changed for this long. */
const QUIET_MS = 10_000

/**
 * Waits until every worker's dfdaemon reports the end (success or failure) of every large layer's
 * task, or, where its log shows no whole-blob task can come (prefetch off), until the layers' tasks
 * have been quiet for QUIET_MS. Stops early, returning why, once the origin's log shows a node got a
 * layer's bytes directly while its dfdaemon has seen no request for it: those tasks can never come
 * (the mirror is bypassed).
 */
export async function awaitDfdaemonTasks(
  profile: Profile,
  workers: Node[],
  layers: Layer[],
  mark: PhaseMark,
  timeoutMs: number,
  origin?: { registry: OriginRegistry; manifest: unknown },
): Promise<true | string> {
  const large = layers.filter((l) => l.size >= LARGE_LAYER_BYTES)
  let last = ''
  let since = Date.now()
  return waitFor(
    `dfdaemon on ${workers.map((w) => w.name).join(', ')} to finish the tasks of ${large.length} large layer(s)`,
    async () => {
      const report = origin
        ? await originEvidence(origin.registry, origin.manifest, mark.hostSince)
        : undefined
      const logs = []
      for (const w of workers)
        logs.push({
          ...w,
          dfdaemon: await dfdaemonEvidence(
            profile,
            w,
            large.map((l) => l.taskId),
            mark.nodeSince[w.name],
          ),
        })
      const bypassed = mirrorBypassed(logs, large, report)
      if (bypassed) return bypassed
      let done = true
      let needQuiet = false
      const seen: unknown[] = []
      for (const { dfdaemon: s } of logs) {
        for (const l of large) {
          const task = s.tasks[l.taskId]
          seen.push(task)
          // The whole task, not just the ranges the snapshotter asked for: a background prefetch
          // ends with dfdaemon telling the scheduler the peer finished.
          if ((task?.peerFinished ?? 0) + (task?.failed ?? 0) > 0) continue
          // its prefetch ended without telling the scheduler (announce refused, fetched from the source)
          if (s.prefetchEnded?.includes(l.digest)) continue
          if (task && noWholeBlobComing(task)) needQuiet = true
          else done = false
        }
      }
      const now = JSON.stringify(seen)
      if (now !== last) {
        last = now
        since = Date.now()
      }
      return done && (!needQuiet || Date.now() - since >= QUIET_MS)
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

/**
 * A pull's evidence once its dfdaemon tasks finished (or the wait gave up, which `note` is told): what
 * the P2P and the CRI chapters collect after their pulls.
 */
export async function evidenceAfterTasks(
  pull: {
    profile: Profile
    registry: OriginRegistry
    manifest: unknown
    workers: Node[]
    layers: Layer[]
    mark: PhaseMark
    trafficBefore: Record<string, DfdaemonTraffic> | string
  },
  timeoutMs: number,
  note: (message: string) => void,
): Promise<PhaseEvidence> {
  const { profile, registry, manifest, workers, layers, mark } = pull
  const waited = await awaitDfdaemonTasks(profile, workers, layers, mark, timeoutMs, {
    registry,
    manifest,
  }).catch((err: Error) => err.message)
  if (waited !== true) note(`collecting evidence without waiting further: ${waited}`)
  return collectPhase(profile, registry, manifest, workers, layers, mark, pull.trafficBefore)
}

export async function collectPhase(
  profile: Profile,
  registry: OriginRegistry,
  manifest: unknown,
  workers: Node[],
  layers: Layer[],
  mark: PhaseMark,
  before: Record<string, DfdaemonTraffic> | string,
): Promise<PhaseEvidence> {
  // Metrics that cannot be read are a reason the checks that need them cannot judge, never skipped.
  const after = await dragonflyTraffic(profile, workers).catch(
    (err: Error) => `scrape failed: ${err.message}`,
  )
  const delta = (key: string): DfdaemonTraffic | string => {
    if (typeof before === 'string') return before
    if (typeof after === 'string') return after
    const b = before[key]
    const a = after[key]
    if (!a || !b) return `no ${key} metrics`
    return {
      backToSource: a.backToSource - b.backToSource,
      remotePeer: a.remotePeer - b.remotePeer,
      localPeer: a.localPeer - b.localPeer,
      total: a.total - b.total,
    }
  }
  const taskIds = layers.map((l) => l.taskId)
  const evidence: WorkerEvidence[] = []
  for (const w of workers)
    evidence.push({
      node: w.name,
      ip: w.ip,
      stargz: await stargzEvidence(w, mark.nodeSince[w.name]!),
      dfdaemon: await dfdaemonEvidence(profile, w, taskIds, mark.nodeSince[w.name]),
      traffic: delta(w.name),
    })
  const seedLog = await summarizeDfdaemonLog(await profile.seedLogs(firstMark(mark)), { taskIds })
  const seedHost = Object.values(seedLog.tasks).flatMap((t) => t.hostIds)[0]
  const seedNodeIp = await profile.seedNodeIp().catch(() => undefined)
  const keys = typeof after === 'string' ? [] : Object.keys(after)
  const deltas = keys.map(delta)
  const unknown =
    deltas.find((d): d is string => typeof d === 'string') ?? (typeof after === 'string' ? after : undefined)
  return {
    mark,
    workers: evidence,
    origin: await originEvidence(registry, manifest, mark.hostSince),
    seed: {
      ...(seedHost ? { ip: hostIp(seedHost) } : {}),
      ...(seedNodeIp ? { nodeIp: seedNodeIp } : {}),
      dfdaemon: seedLog,
    },
    backToSourceBytes: unknown ?? deltas.reduce((sum, d) => sum + (d as DfdaemonTraffic).backToSource, 0),
  }
}

/** The earliest node mark: the seed peer runs on no worker, and its log is read from then on. */
function firstMark(mark: PhaseMark): string | undefined {
  return Object.values(mark.nodeSince).sort()[0]
}

const EMPTY_CLOCK = {
  smallRangeStartedAt: {},
  smallRangeRequestedAt: {},
  scheduledFinishedAt: {},
  parentFinishedAt: {},
  scheduledStartedAt: {},
}

/** dfdaemon's host id is `{ip}-{hostname}`. */
export function hostIp(hostId: string): string {
  return hostId.slice(0, hostId.indexOf('-') < 0 ? undefined : hostId.indexOf('-'))
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

/** via-dfdaemon on one pull's evidence, with the seed peer's log where it shares a worker's address. */
export function viaDfdaemonOf(ev: PhaseEvidence, layers: Layer[]): Verdict {
  const seed = ev.seed.ip ? { ip: ev.seed.ip, nodeIp: ev.seed.nodeIp, dfdaemon: ev.seed.dfdaemon } : undefined
  return viaDfdaemon(ev.workers, layers, ev.origin, seed)
}

/** The facts single back-to-source judges, from one pull's evidence. */
export function backToSourceFacts(ev: PhaseEvidence, layers: Layer[], sizes: LayerSize[]): BackToSourceFacts {
  const smallRangeReads: Record<string, NodeSourceReads[]> = {}
  const seedClocks: Record<string, NodePieceClock[]> = {}
  for (const layer of layers) {
    smallRangeReads[layer.digest] = ev.workers.map((w) => ({
      node: w.node,
      ip: w.ip,
      clock: { node: w.node, ...(w.dfdaemon.tasks[layer.taskId]?.pieceClock ?? EMPTY_CLOCK) },
    }))
    const seed = ev.seed.dfdaemon.tasks[layer.taskId]?.pieceClock
    seedClocks[layer.digest] = seed ? [{ node: 'seed-peer', ...seed }] : []
  }
  return {
    rows: ev.origin.rows,
    layers: sizes,
    nodes: ev.workers.length,
    dfdaemonBackToSourceBytes: ev.backToSourceBytes,
    smallRangeReads,
    seedClocks,
    seedIps: ev.seed.ip ? [ev.seed.ip] : [],
    withoutDebugLog: ev.workers.filter(silentAtDebug).map((w) => w.node),
  }
}

// The record of each pull phase, shared between the run, evidence and back-to-source chapters.
export interface PhaseRecord {
  /** the copy of the test image this pull took (its own blobs: no Dragonfly state from earlier pulls) */
  image: FreshImage
  mark: PhaseMark
  /** counters before the pull; a string says why they could not be read */
  trafficBefore: Record<string, DfdaemonTraffic> | string
  evidence?: PhaseEvidence
}

/** the nerdctl P2P pull, the CRI Pods' pull (kind), the bypassed pull of the negative control */
export type PhaseName = 'p2p' | 'cri' | 'control'

const phases = new Map<string, PhaseRecord>()

export function setPhase(name: PhaseName, record: PhaseRecord): void {
  phases.set(name, record)
}

/**
 * The record of `name`'s pull in run `runId` (this run). Records outlive a run in the module (the
 * chapters share one module graph): one whose mark, or whose evidence's mark, carries another run's
 * id is refused with a cannot-judge diagnosis, never handed to collection or a verdict.
 */
export function phase(name: PhaseName, runId: string = runState().runId): PhaseRecord {
  const p = phases.get(name)
  if (!p) throw new Error(`the ${name} pull did not run in this run (an earlier chapter failed)`)
  for (const mark of [p.mark, p.evidence?.mark]) {
    const other = mark && otherRunEvidence(`the ${name} pull`, mark.runId, runId)
    if (other) throw new Error(other)
  }
  return p
}
