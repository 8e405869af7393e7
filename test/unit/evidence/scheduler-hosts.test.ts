// The scheduler's own record of which dfdaemon hosts announced themselves (issue 8 finding 10), on
// real scheduler logs (console format, the one both profiles run: the chart's `console: true`, and
// the local profile's unit):
// - fixtures/dragonfly/kind-scheduler-2026-12-05.log: `kubectl logs` of a kind run's scheduler;
// - fixtures/dragonfly/local-scheduler-host-requests-2026-12-05.log.gz: every announce and delete host
//   line of the local profile's run rmxa0vjk4 (the fault catalog stops dfdaemons, so hosts leave and
//   come back), from ../shared/fixtures/logs/fresh-gate-2026-12-05.
// The JSON format (core.log) has no capture: no profile runs the scheduler without `console: true`.
// Its lines are written in the format the scheduler's source prints (d7y.io/dragonfly/v2 v2.5.1,
// internal/dflog's JSON encoder) around a real line's host.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { textLines } from '../../../helpers/evidence/lines.ts'
import {
  dfdaemonHostId,
  hostsUnknownToScheduler,
  schedulerHostEvent,
  schedulerKnownHosts,
} from '../../../helpers/evidence/scheduler-hosts.ts'

const fixtures = path.join(import.meta.dirname, '../../../fixtures/dragonfly')
const KIND = textLines(readFileSync(path.join(fixtures, 'kind-scheduler-2026-12-05.log'), 'utf8'))
const LOCAL = textLines(
  gunzipSync(readFileSync(path.join(fixtures, 'local-scheduler-host-requests-2026-12-05.log.gz'))).toString(),
)
/** The local run's log as it stood at `time` (lines start with their timestamp). */
const localUntil = (time: string) => LOCAL.filter((l) => l.slice(0, 24) <= time)

const W1 = '172.18.0.3-d7y-stargz-worker'
const W2 = '172.18.0.4-d7y-stargz-worker2'
const SEED = '172.18.0.2-d7y-stargz-control-plane-seed'
const workers = [
  { name: 'd7y-stargz-worker', hostId: dfdaemonHostId('172.18.0.3', 'd7y-stargz-worker') },
  { name: 'd7y-stargz-worker2', hostId: dfdaemonHostId('172.18.0.4', 'd7y-stargz-worker2') },
]

describe('scheduler host evidence', () => {
  test('host ids as dfdaemon forms them are the ids the schedulers logged', async () => {
    expect(workers.map((w) => w.hostId)).toEqual([W1, W2])
    expect(dfdaemonHostId('172.18.0.2', 'd7y-stargz-control-plane', true)).toBe(SEED)
    expect([...(await schedulerKnownHosts(LOCAL)).keys()].sort()).toEqual([SEED, W1, W2])
    // kind: the clients on their nodes' addresses, the seed peer on its pod's
    expect([...(await schedulerKnownHosts(KIND)).keys()].sort()).toEqual([
      dfdaemonHostId('10.244.0.10', 'dragonfly-seed-client-0', true),
      dfdaemonHostId('10.89.0.27', 'd7y-stargz-worker2'),
      dfdaemonHostId('10.89.0.28', 'd7y-stargz-worker'),
    ])
  })

  test("the kind run: every host with its announcements and the last one's time", async () => {
    const known = await schedulerKnownHosts(KIND)
    expect(known.get('10.89.0.28-d7y-stargz-worker')).toEqual({
      hostId: '10.89.0.28-d7y-stargz-worker',
      announcements: 2,
      lastAnnounced: '2026-12-05T12:30:54.016Z',
    })
    expect(known.get('10.244.0.10-dragonfly-seed-client-0-seed')?.announcements).toBe(3)
  })

  test('the local run before worker2 first announced (06:20:27.511): worker2 is named unknown', async () => {
    const known = await schedulerKnownHosts(localUntil('2026-12-05T06:20:27.000Z'))
    expect([...known.keys()]).toEqual([SEED, W1])
    expect(known.get(W1)).toEqual({ hostId: W1, announcements: 1, lastAnnounced: '2026-12-05T06:20:26.382Z' })
    expect(hostsUnknownToScheduler(known, workers)).toEqual([workers[1]])
  })

  test('a host deleted after announcing is no longer known, and known again once it announces', async () => {
    // worker deleted at 06:22:35.723 and back at 06:22:40.521; worker2 deleted at 06:22:42.075
    const deleted = LOCAL.find((l) => l.startsWith('2026-12-05T06:22:35.723Z'))!
    expect(schedulerHostEvent(deleted)).toEqual({
      kind: 'delete',
      hostId: W1,
      time: '2026-12-05T06:22:35.723Z',
    })
    const atDelete = await schedulerKnownHosts(localUntil('2026-12-05T06:22:36.000Z'))
    expect(hostsUnknownToScheduler(atDelete, workers).map((w) => w.name)).toEqual(['d7y-stargz-worker'])
    const later = await schedulerKnownHosts(localUntil('2026-12-05T06:22:43.000Z'))
    expect(hostsUnknownToScheduler(later, workers).map((w) => w.name)).toEqual(['d7y-stargz-worker2'])
  })

  test('JSON format (core.log), and a host deleted after announcing is no longer known', async () => {
    // the Go-syntax host of a real announce line, in the JSON encoder's message
    const announce = (id: string) =>
      LOCAL.find((l) => l.includes(`"hostID": "${id}"`) && l.includes('announce host request'))!.split(
        '\t',
      )[3]!
    const json = [
      JSON.stringify({
        level: 'info',
        ts: '2026-12-05 06:20:27.511',
        caller: 'service/service_v2.go:549',
        msg: announce(W2),
        hostID: W2,
      }),
      JSON.stringify({
        level: 'info',
        ts: '2026-12-05 06:20:26.382',
        caller: 'service/service_v2.go:549',
        msg: announce(W1),
        hostID: W1,
      }),
      JSON.stringify({
        level: 'info',
        ts: '2026-12-05 06:22:42.075',
        caller: 'service/service_v2.go:1215',
        msg: `delete host request: &scheduler.DeleteHostRequest{HostId:"${W2}"}`,
        hostID: W2,
      }),
    ]
    expect(schedulerHostEvent(json[2]!)).toEqual({
      kind: 'delete',
      hostId: W2,
      time: '2026-12-05 06:22:42.075',
    })
    const known = await schedulerKnownHosts(json)
    expect(hostsUnknownToScheduler(known, workers).map((w) => w.name)).toEqual(['d7y-stargz-worker2'])
  })

  test('other lines, and a message naming a host without the hostID field, are no evidence', async () => {
    const other = KIND.filter((l) => !l.includes('host request:'))
    expect(other.length).toBeGreaterThan(100)
    expect(other.map(schedulerHostEvent).filter(Boolean)).toEqual([])
    // a real announce line without its fields
    const line = LOCAL.find((l) => l.includes('announce host request'))!
    expect(schedulerHostEvent(line)).toBeDefined()
    expect(schedulerHostEvent(line.slice(0, line.lastIndexOf('\t')))).toBeUndefined()
    expect(schedulerHostEvent('{"level":"info","msg":"announce host request: x"}')).toBeUndefined()
  })
})
