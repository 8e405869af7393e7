// Where the readers' bytes went during an upgrade step, from the evidence: what each worker's dfdaemon
// moved (its piece counters: from peers, from the origin), what the origin's own log sent the worker's
// address, and the rest of that, which the snapshotter fetched straight from the origin (its mirror
// down during a dfdaemon restart: stargz falls back to the registry). Reads that failed are counted by
// the readers themselves (step-verdict.ts).
import type { DfdaemonTraffic } from '../evidence/prom-metrics.ts'
import type { OriginReport } from '../evidence/origin-accounting.ts'

export interface NodeRoutes {
  node: string
  /** bytes of pieces the worker's dfdaemon handed out in the window: from the origin, peers, its cache */
  throughDfdaemon: number
  /** of those, from the origin */
  dfdaemonFromOrigin: number
  /** of those, from other peers */
  dfdaemonFromPeers: number
  /** of those, from its own storage (LOCAL_PEER: pieces it already had) */
  dfdaemonFromCache: number
  /** what the origin's log shows it sent the worker's address in the window */
  originToNode: number
  /** originToNode beyond what dfdaemon fetched from the origin: the snapshotter went around it */
  straightToOrigin: number
  /** dfdaemon restarted in the window: its counters began again at zero */
  countersRestarted: boolean
}

/** A counter's growth over the window; a smaller value after means the daemon restarted (from zero). */
function grown(before: number, after: number): { delta: number; restarted: boolean } {
  return after >= before ? { delta: after - before, restarted: false } : { delta: after, restarted: true }
}

export function readRoutes(
  workers: { name: string; ip: string }[],
  before: Record<string, DfdaemonTraffic>,
  after: Record<string, DfdaemonTraffic>,
  origin: OriginReport,
): NodeRoutes[] {
  return workers.map((w) => {
    const b = before[w.name] ?? { backToSource: 0, remotePeer: 0, localPeer: 0, total: 0 }
    const a = after[w.name] ?? b
    const total = grown(b.total, a.total)
    const source = grown(b.backToSource, a.backToSource)
    const peers = grown(b.remotePeer, a.remotePeer)
    const cache = grown(b.localPeer, a.localPeer)
    const originToNode = origin.rows.reduce((n, r) => n + (r.byClient[w.ip]?.bytesServed ?? 0), 0)
    return {
      node: w.name,
      throughDfdaemon: total.delta,
      dfdaemonFromOrigin: source.delta,
      dfdaemonFromPeers: peers.delta,
      dfdaemonFromCache: cache.delta,
      originToNode,
      straightToOrigin: Math.max(0, originToNode - source.delta),
      countersRestarted: total.restarted || source.restarted || peers.restarted || cache.restarted,
    }
  })
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`

export function routesLine(r: NodeRoutes): string {
  return `${r.node}: ${mib(r.throughDfdaemon)} through dfdaemon (${mib(r.dfdaemonFromOrigin)} from the origin, ${mib(r.dfdaemonFromPeers)} from peers, ${mib(r.dfdaemonFromCache)} from its own storage), ${mib(r.straightToOrigin)} straight to the origin${r.countersRestarted ? ' (dfdaemon restarted: its counters from zero)' : ''}`
}
