// Piece timings on the real P2P lazy pull of fixtures/logs/p2p-local (README there: the workers read
// 3 and 2 pieces from the source for the snapshotter's first small reads, everything else from peers;
// the seed peer fetched the whole layer from the source).
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { pieceTimings, routeStats } from '../../../helpers/evidence/piece-timings.ts'

const TASK = '191cf48bb5cb'
const log = (f: string) =>
  readFileSync(new URL(`../../../fixtures/logs/p2p-local/${f}`, import.meta.url), 'utf8')

describe('pieceTimings', () => {
  test('a worker: small-range reads from the source, the rest from parents', async () => {
    const stats = routeStats(await pieceTimings(log('dfdaemon-worker.log'), TASK))
    expect(stats['source-small-range']?.count).toBe(3)
    expect(stats.parent?.count).toBe(17)
    expect(stats['source-scheduled']).toBeUndefined()
    expect(stats.parent!.medianMs).toBeGreaterThan(0)
    expect(stats.parent!.maxMs).toBeGreaterThanOrEqual(stats.parent!.medianMs)
  })

  test('the seed peer: every piece from the source through the scheduler', async () => {
    const stats = routeStats(await pieceTimings(log('dfdaemon-seed.log'), TASK))
    expect(Object.keys(stats)).toEqual(['source-scheduled'])
    expect(stats['source-scheduled']!.count).toBe(17)
  })

  test('a window excludes pieces that started before it', async () => {
    const all = await pieceTimings(log('dfdaemon-worker2.log'), TASK)
    const last = all
      .map((t) => t.startedAt)
      .sort()
      .at(-1)!
    const after = await pieceTimings(log('dfdaemon-worker2.log'), TASK, { since: last })
    expect(after.length).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(all.length)
  })
})
