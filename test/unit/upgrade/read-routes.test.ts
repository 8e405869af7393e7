// Bytes by route during an upgrade step, on real evidence: the origin's log of two nodes that pulled
// a layer straight from it (no mirror), and dfdaemon's metrics scraped from a worker.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { trafficOf } from '../../../helpers/evidence/collect.ts'
import { lines } from '../../../helpers/evidence/lines.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'
import { readRoutes, routesLine } from '../../../helpers/upgrade/read-routes.ts'

const fixture = (name: string) => new URL(`../../../fixtures/${name}`, import.meta.url).pathname
const workers = [
  { name: 'node-a', ip: '172.21.0.3' },
  { name: 'node-b', ip: '172.21.0.4' },
]

async function origin() {
  return accountOrigin(
    registryRequests(lines(fixture('logs/registry-origin-2-nodes.log'))),
    parseManifest(readFileSync(fixture('logs/registry-origin-2-nodes.manifest.json'), 'utf8')),
  )
}

describe('readRoutes', () => {
  test('what the origin sent a node that its dfdaemon did not fetch went straight to the origin', async () => {
    const report = await origin()
    const scrape = await trafficOf(readFileSync(fixture('metrics/dfdaemon-worker.prom'), 'utf8'))
    // the same scrape before and after: dfdaemon moved nothing in the window
    const routes = readRoutes(
      workers,
      { 'node-a': scrape, 'node-b': scrape },
      { 'node-a': scrape, 'node-b': scrape },
      report,
    )
    const sent = (ip: string) => report.rows.reduce((n, r) => n + (r.byClient[ip]?.bytesServed ?? 0), 0)
    expect(sent('172.21.0.3')).toBeGreaterThan(1_000_000)
    expect(routes[0]).toEqual({
      node: 'node-a',
      throughDfdaemon: 0,
      dfdaemonFromOrigin: 0,
      dfdaemonFromPeers: 0,
      dfdaemonFromCache: 0,
      originToNode: sent('172.21.0.3'),
      straightToOrigin: sent('172.21.0.3'),
      countersRestarted: false,
    })
    expect(routesLine(routes[1]!)).toMatch(
      /^node-b: 0\.0 MiB through dfdaemon \(0\.0 MiB from the origin, 0\.0 MiB from peers, 0\.0 MiB from its own storage\), \d+\.\d MiB straight to the origin$/,
    )
  })

  test('a dfdaemon restarted in the window counts from zero, and its source bytes are not straight', async () => {
    const report = await origin()
    const after = await trafficOf(readFileSync(fixture('metrics/dfdaemon-worker.prom'), 'utf8'))
    const before = { ...after, total: after.total + 1, backToSource: after.backToSource + 1 }
    const [a] = readRoutes(workers.slice(0, 1), { 'node-a': before }, { 'node-a': after }, report)
    expect(a!.countersRestarted).toBe(true)
    expect(a!.throughDfdaemon).toBe(after.total)
    expect(a!.dfdaemonFromOrigin).toBe(after.backToSource)
    expect(a!.straightToOrigin).toBe(Math.max(0, a!.originToNode - after.backToSource))
    expect(routesLine(a!)).toMatch(/dfdaemon restarted: its counters from zero/)
  })
})
