// Checks on what each worker's own components recorded: the snapshotter's journal (remote snapshots)
// and dfdaemon's log (the layer's task reached it and succeeded).
import type { DfdaemonLogSummary } from '../evidence/dfdaemon-log.ts'
import type { OriginReport } from '../evidence/origin-accounting.ts'
import type { StargzJournalSummary } from '../evidence/stargz-journal.ts'
import { LARGE_LAYER_BYTES } from './back-to-source.ts'
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
  /** dfdaemon's proxy request counter delta over the pull (undefined: metrics not collected) */
  proxyRequests?: number
}

const short = (d: string) => d.slice(0, 19)
/** The snapshotter's errors nest every cause; the end names the root one. */
const brief = (e: string | undefined) => (e && e.length > 240 ? `…${e.slice(-240)}` : (e ?? ''))

export function remoteSnapshots(workers: WorkerEvidence[], layers: Layer[]): Verdict {
  const problems: string[] = []
  const evidence = workers.map((w) => {
    const prepared = w.stargz.snapshots.filter((s) => s.outcome === 'prepared')
    const failed = w.stargz.snapshots.filter((s) => s.outcome === 'failed')
    // Journal lines name the layer when an earlier line with the same key did; otherwise count.
    const named = new Set(prepared.map((s) => s.layerDigest).filter(Boolean))
    const missing = named.size ? layers.filter((l) => !named.has(l.digest)) : []
    if (failed.length)
      problems.push(
        `${w.node}: ${failed.length} layer(s) fell back to a full pull (${failed.map((f) => `${f.layerDigest ? short(f.layerDigest) : f.key}: ${brief(f.error)}`).join('; ')})`,
      )
    if (prepared.length < layers.length || missing.length)
      problems.push(
        `${w.node}: ${prepared.length} remote snapshot(s) prepared for ${layers.length} layer(s)${missing.length ? `, none for ${missing.map((m) => short(m.digest)).join(', ')}` : ''} (the snapshotter logs 'prepared remote snapshot' only at --log-level=debug)`,
      )
    return {
      node: w.node,
      prepared: prepared.length,
      failed: failed.map((f) => ({ layer: f.layerDigest, error: f.error })),
    }
  })
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : evidence.map((e) => `${e.node}: ${e.prepared} remote snapshot(s), 0 fallbacks`).join('; '),
    evidence,
  }
}

export function viaDfdaemon(workers: WorkerEvidence[], layers: Layer[], origin?: OriginReport): Verdict {
  const problems: string[] = []
  const evidence = workers.flatMap((w) =>
    layers.map((l) => {
      const task = w.dfdaemon.tasks[l.taskId]
      const direct = origin?.rows.find((r) => r.digest === l.digest)?.byClient[w.ip]?.contentBytes ?? 0
      if (!task)
        problems.push(
          `mirror bypassed on ${w.node}: dfdaemon saw no task ${l.taskId.slice(0, 12)} for layer ${short(l.digest)}` +
            (direct ? ` while the origin served ${direct} bytes of it to ${w.ip} directly` : '') +
            ` (check the snapshotter's mirror host/header in /etc/containerd-stargz-grpc/config.toml)`,
        )
      return {
        node: w.node,
        layer: l.digest,
        taskId: l.taskId,
        seen: !!task,
        started: task?.started ?? 0,
        proxyRequests: w.proxyRequests,
      }
    }),
  )
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : `every layer's task seen in dfdaemon's log on ${workers.map((w) => w.node).join(', ')}`,
    evidence,
  }
}

export function taskSucceeded(
  workers: WorkerEvidence[],
  layers: Layer[],
  largeLayerBytes = LARGE_LAYER_BYTES,
): Verdict {
  const large = layers.filter((l) => l.size >= largeLayerBytes)
  const problems: string[] = []
  const evidence = workers.flatMap((w) =>
    large.map((l) => {
      const t = w.dfdaemon.tasks[l.taskId]
      // "download task succeeded" is logged per proxied request (ranges too); the whole blob is done
      // when dfdaemon reports the peer finished to the scheduler.
      if (!t?.succeeded || !t.peerFinished)
        problems.push(
          `${w.node}: task ${l.taskId.slice(0, 12)} (layer ${short(l.digest)}) ` +
            (!t
              ? 'never started'
              : t.failed
                ? `failed: ${t.errors.slice(0, 2).join('; ')}`
                : !t.succeeded
                  ? 'did not report success (is the client log level debug?)'
                  : `served ${t.succeeded} range request(s) but the whole blob never completed (no DownloadPeerFinished: is proxy.prefetch on?)`),
        )
      return {
        node: w.node,
        layer: l.digest,
        succeeded: t?.succeeded ?? 0,
        wholeTaskFinished: (t?.peerFinished ?? 0) > 0,
        failed: t?.failed ?? 0,
        backToSourcePieces: t?.backToSource.piecesFinished ?? 0,
        remotePeerPieces: t?.remotePeer.piecesFinished ?? 0,
        parents: t?.remotePeer.parents ?? [],
      }
    }),
  )
  if (large.length === 0) problems.push(`no layer of at least ${largeLayerBytes} bytes in the image`)
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? problems.join('; ')
      : evidence
          .map(
            (e) =>
              `${e.node}: ${short(e.layer)} succeeded (${e.remotePeerPieces} pieces from peers, ${e.backToSourcePieces} from source)`,
          )
          .join('; '),
    evidence,
  }
}
