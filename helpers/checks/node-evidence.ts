// Checks on what each worker's own components recorded: the snapshotter's journal (remote snapshots
// of this image's layers), dfdaemon's log and metrics (the layer's requests reached it, its task
// finished, pieces came from peers), held against what the origin sent each node directly.
import type { DfdaemonLogSummary, DfdaemonTaskFacts } from '../evidence/dfdaemon-log.ts'
import type { OriginReport } from '../evidence/origin-accounting.ts'
import { PROBE_MAX_BYTES } from '../evidence/origin-accounting.ts'
import type { DfdaemonTraffic } from '../evidence/prom-metrics.ts'
import type { StargzJournalSummary } from '../evidence/stargz-journal.ts'
import { LARGE_LAYER_BYTES, pieceBytes } from './back-to-source.ts'
import type { Verdict } from './verdict.ts'

export interface Layer {
  digest: string
  size: number
  taskId: string
}

export interface WorkerEvidence {
  node: string
  ip: string
  stargz: StargzJournalSummary
  dfdaemon: DfdaemonLogSummary
  /** dfdaemon's traffic counters over the pull (after − before); a string says why they are unknown */
  traffic: DfdaemonTraffic | string
}

const short = (d: string) => d.slice(0, 19)
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
/** The snapshotter's errors nest every cause; the end names the root one. */
const brief = (e: string | undefined) => (e && e.length > 240 ? `…${e.slice(-240)}` : (e ?? ''))

/**
 * `namespace`: only snapshots containerd prepared in that namespace count (the CRI pulls into "k8s.io",
 * nerdctl into "default"): a pull judged on another namespace's snapshots would pass without its own.
 */
export function remoteSnapshots(
  workers: WorkerEvidence[],
  layers: Layer[],
  opts: { namespace?: string } = {},
): Verdict {
  const problems: string[] = []
  const digests = new Set(layers.map((l) => l.digest))
  const inNamespace = (s: { namespace?: string }) =>
    opts.namespace === undefined || s.namespace === opts.namespace
  const evidence = workers.map((w) => {
    // Only snapshots of this image's layers count, tied by digest; others in the window are not ours.
    const ofLayers = w.stargz.snapshots.filter(
      (s) => s.layerDigest !== undefined && digests.has(s.layerDigest),
    )
    const ours = ofLayers.filter(inNamespace)
    const elsewhere = [
      ...new Set(ofLayers.filter((s) => !inNamespace(s)).map((s) => s.namespace ?? 'no namespace')),
    ]
    const unnamed = w.stargz.snapshots.filter((s) => s.layerDigest === undefined)
    const prepared = new Set(ours.filter((s) => s.outcome === 'prepared').map((s) => s.layerDigest))
    const failed = ours.filter((s) => s.outcome === 'failed')
    const missing = layers.filter((l) => !prepared.has(l.digest))
    const later = w.stargz.layerProblems.filter((p) => p.digests.some((d) => digests.has(d)))
    if (failed.length)
      problems.push(
        `${w.node}: ${failed.length} layer(s) fell back to a full pull (${failed.map((f) => `${short(f.layerDigest!)}: ${brief(f.error)}`).join('; ')})`,
      )
    if (missing.length)
      problems.push(
        `${w.node}: no remote snapshot prepared for ${missing.map((m) => short(m.digest)).join(', ')}` +
          (opts.namespace ? ` in containerd namespace ${opts.namespace}` : '') +
          (elsewhere.length ? ` (prepared in namespace ${elsewhere.join(', ')} instead)` : '') +
          (unnamed.length ? ` (${unnamed.length} snapshot line(s) name no layer digest)` : '') +
          ` (the snapshotter logs 'prepared remote snapshot' only at --log-level=debug)`,
      )
    if (later.length)
      problems.push(
        `${w.node}: the snapshotter reported ${later.length} problem(s) reading the layer after preparing it (${later
          .slice(0, 3)
          .map((p) => `${p.msg}${p.error ? `: ${brief(p.error)}` : ''}`)
          .join('; ')})` +
          (later.some((p) => /failed to fetch region/.test(p.error ?? ''))
            ? ": some of the regions asked for did not come back, as when a multi-range request meets a server that answers only its first range (dfdaemon does); set force_single_range_mode = true under [blob] in the snapshotter's config"
            : ''),
      )
    return {
      node: w.node,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      prepared: [...prepared],
      failed: failed.map((f) => ({ layer: f.layerDigest, error: f.error })),
      laterProblems: later,
    }
  })
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : evidence
          .map(
            (e) =>
              `${e.node}: ${e.prepared.length} of ${layers.length} layer(s) prepared remotely${opts.namespace ? ` in ${opts.namespace}` : ''}, 0 fallbacks`,
          )
          .join('; '),
    evidence,
  }
}

/**
 * dfdaemon logs the lines these checks read (request served, pieces, whole task finished) at DEBUG,
 * but a task's start at INFO: a worker whose dfdaemon started a task in the window and logged no
 * DEBUG record runs above debug, and cannot be judged, whatever else it shows.
 */
export function silentAtDebug(w: Pick<WorkerEvidence, 'dfdaemon'>): boolean {
  const started = Object.values(w.dfdaemon.tasks).some((t) => t.started > 0)
  return started && !(w.dfdaemon.levels.DEBUG ?? 0)
}

export function withoutDebugLog(workers: WorkerEvidence[]): string | undefined {
  const silent = workers.filter(silentAtDebug)
  if (silent.length === 0) return undefined
  return `cannot judge: dfdaemon on ${silent.map((w) => w.node).join(', ')} logged no DEBUG record during the pull (${silent.map((w) => `${w.dfdaemon.records} records`).join(', ')}): its log level is above debug, and the evidence of served requests and pieces is logged at debug (set client.config.log.level to debug)`
}

/**
 * Bytes a node's dfdaemon logged finishing from the source for a layer (every path), per fetch: a piece
 * read for a small range and again as the task's back-to-source left the origin twice.
 */
function loggedSourceBytes(task: DfdaemonTaskFacts | undefined, layer: Layer): number {
  return Object.entries(task?.backToSource.fetchesPerPiece ?? {}).reduce(
    (a, [p, times]) => a + times * pieceBytes(layer.size, Number(p)),
    0,
  )
}

/**
 * Origin clients that are no worker and not the seed peer, each sent more of a layer than a probe:
 * something pulled it around every dfdaemon the evidence knows (another client, or nodes the origin
 * sees through NAT, all behind one address). Without the seed peer's address (no host id in its log)
 * the seed cannot be told from a stranger, and that is said instead.
 */
function strangers(
  workers: WorkerEvidence[],
  layers: Layer[],
  origin: OriginReport,
  seed?: { ip: string; nodeIp?: string },
): { red: string[]; unknown: string[] } {
  // the seed peer is seen at its own address, or at its node's where pod traffic leaves through NAT
  const seedIps = seed ? [...new Set([seed.ip, ...(seed.nodeIp ? [seed.nodeIp] : [])])] : []
  const known = new Set([...workers.map((w) => w.ip), ...seedIps])
  const found = { red: [] as string[], unknown: [] as string[] }
  for (const l of layers) {
    const row = origin.rows.find((r) => r.digest === l.digest)
    for (const [ip, c] of Object.entries(row?.byClient ?? {})) {
      if (known.has(ip) || c.contentBytes <= PROBE_MAX_BYTES) continue
      const all = Object.keys(row!.byClient).length === 1 && workers.length > 1
      if (seed)
        found.red.push(
          `the origin sent ${ip} ${mib(c.contentBytes)} of ${short(l.digest)}, an address that is no worker's (${workers.map((w) => w.ip).join(', ')}) and not the seed peer's (${seedIps.join(', ')})` +
            (all
              ? `: every request came from that one address, so the origin sees the nodes through NAT and cannot tell them apart`
              : `: something else pulled the layer during the pull`),
        )
      else
        found.unknown.push(
          `${ip} (${mib(c.contentBytes)} of ${short(l.digest)} from the origin) may be the seed peer or not: its log named no host, so its address is unknown`,
        )
    }
  }
  return found
}

/**
 * Every layer's blob requests reached each worker's dfdaemon, and the origin sent no node more of a
 * layer directly than its dfdaemon logged fetching from the source. `shares` names the workers whose
 * address a seed peer shares: there the seed's own source bytes are subtracted too.
 */
export function viaDfdaemon(
  workers: WorkerEvidence[],
  layers: Layer[],
  origin: OriginReport,
  seed?: { ip: string; nodeIp?: string; dfdaemon: DfdaemonLogSummary },
): Verdict {
  const silent = withoutDebugLog(workers)
  if (silent) return { passed: false, diagnosis: silent, evidence: { workers: workers.map((w) => w.node) } }
  // Whatever went around dfdaemon reached the origin: with no layer in its log there is nothing to
  // hold dfdaemon's logs against (a log read from the wrong registry, or a window that missed the pull).
  const rows = layers.map((l) => origin.rows.find((r) => r.digest === l.digest))
  if (rows.every((r) => !r || r.contentBytes === 0))
    return {
      passed: false,
      diagnosis: `cannot judge: the origin's log shows no byte of ${layers.map((l) => short(l.digest)).join(', ')} sent during the pull (${origin.rows.length} blob row(s) in the window): nothing to hold dfdaemon's logs against (is the log read from the registry the nodes pull from, over the pull's window?)`,
      evidence: { workers: workers.map((w) => w.node), originRows: origin.rows.length },
    }
  const others = strangers(workers, layers, origin, seed)
  const problems: string[] = [...others.red]
  const evidence = workers.flatMap((w) =>
    layers.map((l) => {
      const task = w.dfdaemon.tasks[l.taskId]
      const fromOrigin = origin.rows.find((r) => r.digest === l.digest)?.byClient[w.ip]?.contentBytes ?? 0
      const seedBytes = seed?.ip === w.ip ? loggedSourceBytes(seed.dfdaemon.tasks[l.taskId], l) : 0
      const logged = loggedSourceBytes(task, l)
      const direct = Math.max(0, fromOrigin - logged - seedBytes)
      if (!task)
        problems.push(
          `mirror bypassed on ${w.node}: dfdaemon saw no task ${l.taskId.slice(0, 12)} for layer ${short(l.digest)}` +
            (fromOrigin ? ` while the origin sent ${w.ip} ${mib(fromOrigin)} of it` : '') +
            ` (check the snapshotter's mirror host/header in /etc/containerd-stargz-grpc/config.toml)`,
        )
      else if (task.succeeded === 0)
        problems.push(
          `${w.node}: dfdaemon started task ${l.taskId.slice(0, 12)} for ${short(l.digest)} but served none of its requests` +
            (task.errors.length ? `: ${brief(task.errors[0])}` : ' (is the client log level debug?)'),
        )
      // A seed peer of unknown address may share this one: its fetches cannot be told from a bypass.
      else if (direct > PROBE_MAX_BYTES && !seed)
        others.unknown.push(
          `${w.node}: the origin sent ${w.ip} ${mib(fromOrigin)} of ${short(l.digest)}, ${mib(direct)} more than its dfdaemon logged fetching, and the seed peer's log named no host, so whether the seed shares ${w.ip} is unknown`,
        )
      else if (direct > PROBE_MAX_BYTES)
        problems.push(
          `${w.node}: the origin sent ${w.ip} ${mib(fromOrigin)} of ${short(l.digest)} but its dfdaemon logged fetching only ${mib(logged)} from the source: ${mib(direct)} went around dfdaemon (a mirror that does not apply to every request?)`,
        )
      return {
        node: w.node,
        layer: l.digest,
        taskId: l.taskId,
        seen: !!task,
        requestsServed: task?.succeeded ?? 0,
        originToNodeBytes: fromOrigin,
        dfdaemonSourceBytes: logged,
        ...(seedBytes ? { seedSourceBytesOnSameAddress: seedBytes } : {}),
        directBytes: direct,
      }
    }),
  )
  if (!problems.length && others.unknown.length)
    return { passed: false, diagnosis: `cannot judge: ${others.unknown.join('; ')}`, evidence }
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : `every layer's requests served by dfdaemon on ${workers.map((w) => w.node).join(', ')}; the origin sent no node more than its dfdaemon fetched`,
    evidence,
  }
}

/**
 * dfdaemon finished every large layer's whole blob on every worker with no failed request, and every
 * worker but the first to fetch took pieces from remote peers (its log and its REMOTE_PEER traffic).
 */
export function taskSucceeded(
  workers: WorkerEvidence[],
  layers: Layer[],
  largeLayerBytes = LARGE_LAYER_BYTES,
): Verdict {
  const large = layers.filter((l) => l.size >= largeLayerBytes)
  if (large.length === 0)
    return {
      passed: false,
      diagnosis: `cannot judge: no layer of at least ${mib(largeLayerBytes)} in the image`,
      evidence: { layers },
    }
  if (workers.length < 2)
    return {
      passed: false,
      diagnosis: `cannot judge: ${workers.length} worker pulled; pieces from peers need at least 2 workers (D7Y_WORKERS)`,
      evidence: { workers: workers.map((w) => w.node) },
    }
  const silent = withoutDebugLog(workers)
  if (silent) return { passed: false, diagnosis: silent, evidence: { workers: workers.map((w) => w.node) } }
  const unreadable = workers.filter((w) => typeof w.traffic === 'string')
  if (unreadable.length)
    return {
      passed: false,
      diagnosis: `cannot judge: dfdaemon's metrics could not be read on ${unreadable.map((w) => `${w.node} (${String(w.traffic)})`).join(', ')}`,
      evidence: { workers: workers.map((w) => ({ node: w.node, traffic: w.traffic })) },
    }
  const problems: string[] = []
  const evidence = large.flatMap((l) => {
    // The first worker to see the task may have had no peer with pieces yet; every other one must.
    const first = [...workers]
      .filter((w) => w.dfdaemon.tasks[l.taskId])
      .sort((a, b) =>
        a.dfdaemon.tasks[l.taskId]!.firstSeen.localeCompare(b.dfdaemon.tasks[l.taskId]!.firstSeen),
      )[0]
    return workers.map((w) => {
      const t = w.dfdaemon.tasks[l.taskId]
      const traffic = w.traffic as DfdaemonTraffic
      const peerPieces = t?.remotePeer.piecesFinished ?? 0
      const what = `${w.node}: task ${l.taskId.slice(0, 12)} (layer ${short(l.digest)})`
      if (!t) problems.push(`${what} never started`)
      else if (t.failed)
        problems.push(
          `${what} had ${t.failed} failed request(s): ${t.errors.slice(0, 2).map(brief).join('; ')}`,
        )
      else if (!t.peerFinished && t.announceFailed)
        problems.push(
          `${what} served ${t.succeeded} request(s) but the scheduler refused its announce ("${/message: "([^"]*)"/.exec(t.announceError ?? '')?.[1] ?? brief(t.announceError)}"), so the whole blob was fetched without the scheduler and never shared: the proxy's prefetch raced the snapshotter's first range request for the same task`,
        )
      else if (!t.peerFinished)
        problems.push(
          `${what} served ${t.succeeded} request(s) but the whole blob never completed (no DownloadPeerFinished: is proxy.prefetch on, is the client log level debug?)`,
        )
      else if (w !== first && (peerPieces === 0 || traffic.remotePeer === 0))
        problems.push(
          `${what} took no pieces from peers (log: ${peerPieces} piece(s) from parents, metrics: ${mib(traffic.remotePeer)} REMOTE_PEER; ${t.backToSource.pieceNumbers.length} piece(s) from the source): P2P did not serve it`,
        )
      return {
        node: w.node,
        layer: l.digest,
        firstToFetch: w === first,
        requestsServed: t?.succeeded ?? 0,
        wholeTaskFinished: (t?.peerFinished ?? 0) > 0,
        failed: t?.failed ?? 0,
        sourcePieces: t?.backToSource.pieceNumbers ?? [],
        remotePeerPieces: peerPieces,
        remotePeerBytes: traffic.remotePeer,
        parents: t?.remotePeer.parents ?? [],
      }
    })
  })
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : evidence
          .map(
            (e) =>
              `${e.node}: ${short(e.layer)} finished (${e.remotePeerPieces} pieces / ${mib(e.remotePeerBytes)} from peers, ${e.sourcePieces.length} from source${e.firstToFetch ? ', first to fetch' : ''})`,
          )
          .join('; '),
    evidence,
  }
}
