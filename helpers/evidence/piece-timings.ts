// How long dfdaemon took for each piece, by where it came from, read from its own DEBUG records
// ("start to download piece …" → "finished piece …"). This is what tells a slow lazy pull on a warm
// cluster apart from a slow peer: small-range reads that skip the scheduler go to the source on every
// node, whatever the peers hold, while whole-blob prefetch pieces come from parents.
import { dfdaemonRecords, SMALL_RANGE_SPAN } from './dfdaemon-log.ts'
import type { LineInput } from './lines.ts'

export const PIECE_ROUTES = ['source-small-range', 'source-scheduled', 'parent'] as const
export type PieceRoute = (typeof PIECE_ROUTES)[number]

export interface PieceTiming {
  route: PieceRoute
  piece: number
  startedAt: string
  ms: number
}

export interface RouteStats {
  count: number
  medianMs: number
  maxMs: number
  /** ms from the first piece's start to the last piece's end on this route */
  spanMs: number
}

const START = /^start to download piece (?<id>\S+) from (?<from>source|parent "[^"]*")$/
const FINISH =
  /^finished piece (?<id>\S+) from (?<from>source|parent .*) using protocol \S+$|^finished piece (?<id2>\S+) from source$/
const PIECE = /-(\d+)$/

const ms = (t: string) => Date.parse(t)

/** Every piece of `taskId` that started and finished inside [since, until) in this log. */
export async function pieceTimings(
  input: LineInput | string,
  taskId: string,
  window: { since?: string; until?: string } = {},
): Promise<PieceTiming[]> {
  const open = new Map<string, { route: PieceRoute; at: string }[]>()
  const out: PieceTiming[] = []
  const lo = window.since ? ms(window.since) : -Infinity
  const hi = window.until ? ms(window.until) : Infinity
  for await (const r of dfdaemonRecords(input)) {
    const t = ms(r.time)
    if (t < lo || t >= hi) continue
    const s = START.exec(r.message)?.groups
    if (s?.id?.startsWith(taskId)) {
      const route: PieceRoute = s.from!.startsWith('parent')
        ? 'parent'
        : r.spans.includes(SMALL_RANGE_SPAN)
          ? 'source-small-range'
          : 'source-scheduled'
      const key = `${route}/${s.id}`
      open.set(key, [...(open.get(key) ?? []), { route, at: r.time }])
      continue
    }
    const f = FINISH.exec(r.message)?.groups
    const id = f?.id ?? f?.id2
    if (!id?.startsWith(taskId)) continue
    const fromParent = f!.from?.startsWith('parent') ?? false
    const candidates: PieceRoute[] = fromParent ? ['parent'] : ['source-small-range', 'source-scheduled']
    for (const route of candidates) {
      const pending = open.get(`${route}/${id}`)
      const first = pending?.shift()
      if (!first) continue
      out.push({ route, piece: Number(PIECE.exec(id)?.[1] ?? -1), startedAt: first.at, ms: t - ms(first.at) })
      break
    }
  }
  return out
}

export function routeStats(timings: PieceTiming[]): Partial<Record<PieceRoute, RouteStats>> {
  const stats: Partial<Record<PieceRoute, RouteStats>> = {}
  for (const route of PIECE_ROUTES) {
    const on = timings.filter((t) => t.route === route)
    if (!on.length) continue
    const sorted = on.map((t) => t.ms).sort((a, b) => a - b)
    const starts = on.map((t) => ms(t.startedAt))
    const ends = on.map((t) => ms(t.startedAt) + t.ms)
    stats[route] = {
      count: on.length,
      medianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
      maxMs: sorted[sorted.length - 1]!,
      spanMs: Math.max(...ends) - Math.min(...starts),
    }
  }
  return stats
}
