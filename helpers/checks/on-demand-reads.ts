// Which of a node's on-demand source reads Dragonfly could not have served peer-to-peer, judged from
// the dfdaemon logs' own timestamps.
//
// dfdaemon (dragonfly-client 1.5.0, resource/task.rs `download`) serves a range request of at most
// 4 MiB whose pieces it lacks like this: it waits (up to 1 s) only for pieces its own task already has
// in flight, and fetches the rest straight from the source, without asking the scheduler
// (`download_partial_from_source`). A lazily pulling snapshotter makes such reads from its first
// request on, while the node's own whole-blob task (the proxy's prefetch) is still being scheduled
// and then putting its pieces in flight one by one. A read of piece p from the source is by design
// only where the node's own task did receive p from a parent afterwards (P2P served the node, only
// later than the read; in every capture so far each on-demand piece was), and either
//   - nobody-had-it: no other peer (the seed peer included) had finished p through the scheduler when
//     the read started: P2P cannot serve what nobody has; or
//   - not-in-flight: the node's own task had not started p when the range request arrived (dfdaemon
//     had nothing to wait for: the scheduler had not named its parents, or had and the task had not
//     reached p).
// Everything else is missed-p2p: the node's own task never got p from a parent (prefetch off, P2P
// blocked, no scheduler, no seed peer: the node pulled without P2P), or a peer had p and it was already
// in flight when the request came, yet dfdaemon went to the source (its 1 s wait ran out).

/** What one node's dfdaemon logged about one layer's pieces (PieceClock), and which node it is. */
import type { PieceClock } from '../evidence/dfdaemon-log.ts'

export type NodePieceClock = PieceClock & { node: string }

export type OnDemandReason = 'nobody-had-it' | 'not-in-flight' | 'missed-p2p'

export interface OnDemandRead {
  node: string
  piece: number
  at: string
  reason: OnDemandReason
  /** missed-p2p: the first other peer that had finished the piece, and when */
  heldBy?: { node: string; since: string }
  /** missed-p2p: since when the node's own task had the piece in flight, if it had */
  inFlightSince?: string
  /** the node received this piece from a parent as well: its bytes crossed the network twice */
  alsoFromPeers: boolean
}

/** Microseconds since the epoch of an RFC 3339 timestamp (dfdaemon prints µs; Date.parse keeps ms). */
export function instant(time: string): number {
  const m = /^(?<base>[^.]+?)(?:\.(?<frac>\d+))?(?<zone>Z|[+-]\d\d:?\d\d)$/.exec(time)
  if (!m?.groups) return Date.parse(time) * 1000
  const frac = (m.groups.frac ?? '').padEnd(6, '0').slice(0, 6)
  return Date.parse(`${m.groups.base}${m.groups.zone}`) * 1000 + Number(frac)
}

/** The earliest peer other than `node` that had finished `piece` through the scheduler. */
function firstHolder(
  peers: readonly NodePieceClock[],
  node: string,
  piece: number,
): { node: string; since: string } | undefined {
  let best: { node: string; since: string } | undefined
  for (const p of peers) {
    if (p.node === node) continue
    const since = p.scheduledFinishedAt[piece]
    if (since !== undefined && (!best || instant(since) < instant(best.since))) best = { node: p.node, since }
  }
  return best
}

/**
 * Every small-range source read of the pulling nodes, classified. `peers` holds every dfdaemon whose
 * log was read (the workers and the seed peer); `pulling` names the nodes whose reads are judged.
 */
export function classifyOnDemandReads(
  peers: readonly NodePieceClock[],
  pulling: readonly string[],
): OnDemandRead[] {
  const out: OnDemandRead[] = []
  for (const n of peers.filter((p) => pulling.includes(p.node))) {
    for (const [key, at] of Object.entries(n.smallRangeStartedAt)) {
      const piece = Number(key)
      const holder = firstHolder(peers, n.node, piece)
      const held = holder !== undefined && instant(holder.since) < instant(at)
      // dfdaemon chose between waiting and the source after the request arrived: a piece in flight
      // before that was certainly seen (the log cannot say more precisely when it looked)
      const started = n.scheduledStartedAt[piece]
      const decided = n.smallRangeRequestedAt[piece] ?? at
      const inFlight = started !== undefined && instant(started) < instant(decided)
      const fromPeers = n.parentFinishedAt[piece] !== undefined
      const reason: OnDemandReason = !fromPeers
        ? 'missed-p2p'
        : !held
          ? 'nobody-had-it'
          : !inFlight
            ? 'not-in-flight'
            : 'missed-p2p'
      out.push({
        node: n.node,
        piece,
        at,
        reason,
        ...(reason === 'missed-p2p' && held && holder ? { heldBy: holder } : {}),
        ...(reason === 'missed-p2p' && inFlight ? { inFlightSince: started } : {}),
        alsoFromPeers: fromPeers,
      })
    }
  }
  return out.sort((a, b) => instant(a.at) - instant(b.at))
}

/** How long a node's task waited for the scheduler to name parents, from its first on-demand read. */
export function parentWaitMs(n: NodePieceClock): number | undefined {
  const first = Object.values(n.smallRangeStartedAt).sort((a, b) => instant(a) - instant(b))[0]
  if (first === undefined || n.firstParentPieceAt === undefined) return undefined
  return Math.max(0, (instant(n.firstParentPieceAt) - instant(first)) / 1000)
}
