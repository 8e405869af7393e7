// How long dfdaemon took for each piece, by where it came from, read from its own DEBUG records
// ("start to download piece …" → "finished piece …"). This is what tells a slow lazy pull on a warm
// cluster apart from a slow peer: small-range reads that skip the scheduler go to the source on every
// node, whatever the peers hold, while whole-blob prefetch pieces come from parents.
import { classifyDfdaemonRecord, dfdaemonRecords, SMALL_RANGE_SPAN } from './dfdaemon-log.ts'
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

const ms = (t: string) => Date.parse(t)

/** Every piece of `taskId` that started and finished inside [since, until) in this log. */
export async function pieceTimings(
  input: LineInput | string,
  taskId: string,
  window: { since?: string; until?: string } = {},
): Promise<PieceTiming[]> {
  const open = new Map<string, string[]>()
  const out: PieceTiming[] = []
  const lo = window.since ? ms(window.since) : -Infinity
  const hi = window.until ? ms(window.until) : Infinity
  for await (const r of dfdaemonRecords(input)) {
    const t = ms(r.time)
    if (t < lo || t >= hi) continue
    // The same messages the evidence parser reads (dfdaemon-log.ts), piece by piece.
    const e = classifyDfdaemonRecord(r)
    if (!e?.taskId?.startsWith(taskId) || e.pieceNumber === undefined) continue
    const source = r.spans.includes(SMALL_RANGE_SPAN) ? 'source-small-range' : 'source-scheduled'
    const route: PieceRoute | undefined =
      e.kind === 'pieceFromParentStarted' || e.kind === 'pieceFromParentFinished'
        ? 'parent'
        : e.kind === 'pieceFromSourceStarted' || e.kind === 'pieceFromSourceFinished'
          ? source
          : undefined
    if (!route) continue
    const key = `${route}/${e.pieceNumber}`
    if (e.kind.endsWith('Started')) {
      open.set(key, [...(open.get(key) ?? []), r.time])
      continue
    }
    const startedAt = open.get(key)?.shift()
    if (startedAt) out.push({ route, piece: e.pieceNumber, startedAt, ms: t - ms(startedAt) })
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
