// dragonfly-ready on kind, on a real kind run's captures (2026-12-05, fixtures/dragonfly): the chart's
// pods and the scheduler's own log. A ready pod counts only when the scheduler holds a host at its IP.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { V1Pod } from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import { textLines } from '../../../helpers/evidence/lines.ts'
import { schedulerKnownHosts } from '../../../helpers/evidence/scheduler-hosts.ts'
import { componentStatuses, withSchedulerHosts } from '../../../helpers/kind/readiness.ts'

const fixtures = path.join(import.meta.dirname, '../../../fixtures/dragonfly')
const pods = JSON.parse(readFileSync(path.join(fixtures, 'kind-pods-2026-12-05.json'), 'utf8')) as V1Pod[]
const schedulerLog = readFileSync(path.join(fixtures, 'kind-scheduler-2026-12-05.log'), 'utf8')
const workers = ['d7y-stargz-worker', 'd7y-stargz-worker2']

describe('the scheduler knows every dfdaemon host (kind)', () => {
  test('the run: both clients (node addresses) and the seed peer (pod address) announced', async () => {
    const known = await schedulerKnownHosts(textLines(schedulerLog))
    const statuses = withSchedulerHosts(componentStatuses(pods, workers), pods, known)
    expect(statuses.every((s) => s.ok)).toBe(true)
    expect(statuses.find((s) => s.component === 'seed-peer')?.detail).toMatch(
      /scheduler knows host 10\.244\.0\.10-dragonfly-seed-client-0-seed \(\d+ announcements\)$/,
    )
    expect(statuses.find((s) => s.where === 'd7y-stargz-worker2')?.detail).toMatch(
      /scheduler knows host 10\.89\.0\.27-d7y-stargz-worker2/,
    )
  })

  test("the same log without worker2's announcements: its ready pod is not ready for P2P (it passed before)", async () => {
    const cut = textLines(schedulerLog).filter((l) => !l.includes('"hostID": "10.89.0.27-'))
    const statuses = withSchedulerHosts(
      componentStatuses(pods, workers),
      pods,
      await schedulerKnownHosts(cut),
    )
    // the pod conditions alone still say ready
    expect(componentStatuses(pods, workers).every((s) => s.ok)).toBe(true)
    const w2 = statuses.find((s) => s.where === 'd7y-stargz-worker2')!
    expect(w2.ok).toBe(false)
    expect(w2.detail).toMatch(
      /the scheduler does not know a host at 10\.89\.0\.27: no "announce host request"/,
    )
    expect(statuses.filter((s) => !s.ok)).toHaveLength(1)
  })

  test('an unreadable scheduler log leaves no component counted ready but the scheduler', () => {
    const statuses = withSchedulerHosts(componentStatuses(pods, workers), pods, new Error('no scheduler pod'))
    expect(statuses.filter((s) => s.ok).map((s) => s.component)).toEqual(['scheduler'])
  })
})
