// The scheduler's own record of which dfdaemon hosts announced themselves (issue 8 finding 10).
// NO REAL CAPTURE YET: the lines below are written in exactly the formats the scheduler's source
// prints (d7y.io/dragonfly/v2 v2.5.1: service_v2.go AnnounceHost / DeleteHost log lines with the
// hostID field; internal/dflog: zap's development console encoder with `console: true`, core.log's
// JSON encoder otherwise), with this project's host ids (fixtures/logs/p2p-local). Replace them with
// a capture of `journalctl -o cat -u dragonfly-scheduler` from a real run when one exists.
import { describe, expect, test } from 'vitest'
import {
  dfdaemonHostId,
  hostsUnknownToScheduler,
  schedulerHostEvent,
  schedulerKnownHosts,
} from '../../../helpers/evidence/scheduler-hosts.ts'

const host = (id: string, ip: string, name: string) =>
  `&common.Host{state:impl.MessageState{NoUnkeyedLiterals:pragma.NoUnkeyedLiterals{}, DoNotCompare:pragma.DoNotCompare{}, DoNotCopy:pragma.DoNotCopy{}, atomicMessageInfo:(*impl.MessageInfo)(0xc0004a2b10)}, sizeCache:0, unknownFields:[]uint8(nil), Id:"${id}", Type:0x0, Hostname:"${name}", Ip:"${ip}", Port:0xfa0, DownloadPort:0xfa5}`

const W1 = '172.24.0.3-d7y-stargz-worker'
const W2 = '172.24.0.4-d7y-stargz-worker2'
const SEED = '172.24.0.2-d7y-stargz-control-plane-seed'

// console: true (the chart's default): tab-separated, fields last as a spaced JSON object.
const CONSOLE = [
  '2026-11-27T22:13:12.004Z\tINFO\tscheduler/scheduler.go:401\tgrpc server listening on 0.0.0.0:8002',
  `2026-11-27T22:13:14.120Z\tINFO\tservice/service_v2.go:549\tannounce host request: ${host(SEED, '172.24.0.2', 'd7y-stargz-control-plane')}\t{"hostID": "${SEED}"}`,
  `2026-11-27T22:13:19.530Z\tINFO\tservice/service_v2.go:549\tannounce host request: ${host(W1, '172.24.0.3', 'd7y-stargz-worker')}\t{"hostID": "${W1}"}`,
  `2026-11-27T22:13:24.121Z\tINFO\tservice/service_v2.go:549\tannounce host request: ${host(W1, '172.24.0.3', 'd7y-stargz-worker')}\t{"hostID": "${W1}"}`,
].join('\n')

const workers = [
  { name: 'd7y-stargz-worker', hostId: dfdaemonHostId('172.24.0.3', 'd7y-stargz-worker') },
  { name: 'd7y-stargz-worker2', hostId: dfdaemonHostId('172.24.0.4', 'd7y-stargz-worker2') },
]

describe('scheduler host evidence', () => {
  test('host ids as dfdaemon forms them (the capture in fixtures/logs/p2p-local shows these)', () => {
    expect(workers.map((w) => w.hostId)).toEqual([W1, W2])
    expect(dfdaemonHostId('172.24.0.2', 'd7y-stargz-control-plane', true)).toBe(SEED)
  })

  test('console format: announced hosts with counts; the worker that never announced is named', async () => {
    const known = await schedulerKnownHosts(CONSOLE.split('\n'))
    expect([...known.keys()]).toEqual([SEED, W1])
    expect(known.get(W1)).toEqual({ hostId: W1, announcements: 2, lastAnnounced: '2026-11-27T22:13:24.121Z' })
    expect(hostsUnknownToScheduler(known, workers)).toEqual([workers[1]])
  })

  test('JSON format (core.log), and a host deleted after announcing is no longer known', async () => {
    const json = [
      `{"level":"info","ts":"2026-11-27 22:13:19.530","caller":"service/service_v2.go:549","msg":"announce host request: ${host(W2, '172.24.0.4', 'd7y-stargz-worker2').replace(/"/g, '\\"')}","hostID":"${W2}"}`,
      `{"level":"info","ts":"2026-11-27 22:13:20.001","caller":"service/service_v2.go:549","msg":"announce host request: ${host(W1, '172.24.0.3', 'd7y-stargz-worker').replace(/"/g, '\\"')}","hostID":"${W1}"}`,
      `{"level":"info","ts":"2026-11-27 22:14:00.000","caller":"service/service_v2.go:1215","msg":"delete host request: &scheduler.DeleteHostRequest{HostId:\\"${W2}\\"}","hostID":"${W2}"}`,
    ]
    expect(schedulerHostEvent(json[2]!)).toEqual({
      kind: 'delete',
      hostId: W2,
      time: '2026-11-27 22:14:00.000',
    })
    const known = await schedulerKnownHosts(json)
    expect(hostsUnknownToScheduler(known, workers).map((w) => w.name)).toEqual(['d7y-stargz-worker2'])
  })

  test('other lines, and a message naming a host without the hostID field, are no evidence', () => {
    expect(
      schedulerHostEvent(
        '2026-11-27T22:13:12.004Z\tINFO\tscheduler/scheduler.go:401\tgrpc server listening on 0.0.0.0:8002',
      ),
    ).toBeUndefined()
    expect(
      schedulerHostEvent(
        `2026-11-27T22:13:19.530Z\tINFO\tservice/service_v2.go:549\tannounce host request: ${host(W1, '172.24.0.3', 'x')}`,
      ),
    ).toBeUndefined()
    expect(schedulerHostEvent('{"level":"info","msg":"announce host request: x"}')).toBeUndefined()
  })
})
