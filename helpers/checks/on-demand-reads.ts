// Which of a node's on-demand source reads Dragonfly could not have served peer-to-peer, judged from
// the dfdaemon logs' own timestamps.
//
// dfdaemon (dragonfly-client 1.5.0, resource/task.rs `download`) serves a range request of at most
// 4 MiB whose pieces it lacks like this: it waits (up to 1 s) only for pieces its own task already has
// in flight, and fetches the rest straight from the source, without asking the scheduler
// (`download_partial_from_source`). A lazily pulling snapshotter makes such reads from its first
// request on, while the node's own whole-blob task (the proxy's prefetch) is still being scheduled.
// So a read from the source is by design when either
//   - nobody-had-it: no other peer (the seed peer included) had finished the piece through the
//     scheduler when the read started: P2P cannot serve what nobody has; or
//   - awaiting-parents: the node's own task had not yet started any piece from a parent (the
//     scheduler had not named its parents; the first peer of a task waits for the seed peer it just
//     triggered, scheduler v2.5.1 scheduling.go: "can not find candidate parents", retried), and
//     later did receive pieces from parents (its task was served peer-to-peer).
// Everything else is missed-p2p: a peer had the piece and the node's task had its parents, yet the
// read went to the origin. Reads of a node whose task never got a parent are never awaiting-parents
// (prefetch off, P2P blocked, no seed peer: the node pulled without P2P).

/** What one node's dfdaemon logged about one layer's pieces (see PieceClock in evidence/dfdaemon-log). */
export interface NodePieceClock {
  node: string
  /** piece → when this node started fetching it from the source for a small range */
  smallRangeStartedAt: Record<number, string>
  /** piece → when this node finished it through the scheduler (from a parent or scheduled back-to-source) */
  scheduledFinishedAt: Record<number, string>
  /** piece → when this node finished it from a parent */
  parentFinishedAt: Record<number, string>
  /** when this node's task first started a piece from a parent */
  firstParentPieceAt?: string
}

export type OnDemandReason = 'nobody-had-it' | 'awaiting-parents' | 'missed-p2p'

export interface OnDemandRead {
  node: string
  piece: number
  at: string
  reason: OnDemandReason
  /** missed-p2p: the first other peer that had finished the piece, and when */
  heldBy?: { node: string; since: string }
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
      const awaiting = n.firstParentPieceAt !== undefined && instant(at) < instant(n.firstParentPieceAt)
      const reason: OnDemandReason = !held ? 'nobody-had-it' : awaiting ? 'awaiting-parents' : 'missed-p2p'
      out.push({
        node: n.node,
        piece,
        at,
        reason,
        ...(reason === 'missed-p2p' && holder ? { heldBy: holder } : {}),
        alsoFromPeers: n.parentFinishedAt[piece] !== undefined,
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
