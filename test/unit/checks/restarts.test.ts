import { readFileSync } from 'node:fs'
import type { V1Pod } from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import {
  RestartLedger,
  noRestartsAfterReady,
  restartedBetween,
  type RestartRecord,
} from '../../../helpers/checks/restarts.ts'
import { lastErrorLine, podRestartRecords } from '../../../helpers/kind/restarts.ts'
import { lastExit } from '../../../helpers/local/restarts.ts'

// a chart-deployed dfdaemon pod of a kind run: ready, restarted twice at start-up (exit 1)
const pod = JSON.parse(
  readFileSync(new URL('../../../fixtures/upgrade/pod-dfdaemon-2-restarts.json', import.meta.url), 'utf8'),
) as V1Pod

const record = (over: Partial<RestartRecord> = {}): RestartRecord => ({
  component: 'client',
  where: 'dragonfly-client on w1',
  key: 'uid-1',
  restarts: 0,
  ready: true,
  ...over,
})

describe('no-restarts', () => {
  test("a real pod's restarts, readiness and how its last run ended", () => {
    expect(podRestartRecords([pod])).toEqual([
      {
        component: 'client',
        where: 'dragonfly-client-gtrlk on d7y-stargz-worker2',
        key: 'a6339886-b037-47d8-92a8-657526f2de7b',
        restarts: 2,
        ready: true,
        last: 'container client exited 1 (Error) at 2026-12-05T17:40:53.000Z',
      },
    ])
  })

  test('restarts before the suite saw it ready are reported, not red (the chart start-up race)', () => {
    const ledger = new RestartLedger()
    const rows = podRestartRecords([pod])
    ledger.observe(rows)
    const v = noRestartsAfterReady(ledger.since(rows))
    expect(v.passed).toBe(true)
    expect(v.diagnosis).toContain('2 restarts (0 after it was ready, 2 before)')
  })

  test('a restart after ready is red, with how the run ended', () => {
    const ledger = new RestartLedger()
    ledger.observe(podRestartRecords([pod]))
    const crashed = structuredClone(pod)
    crashed.status!.containerStatuses![0]!.restartCount = 3
    const v = noRestartsAfterReady(ledger.since(podRestartRecords([crashed])))
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^client on dragonfly-client-gtrlk on d7y-stargz-worker2: 3 restarts \(1 after it was ready, 2 before\); last: container client exited 1/,
    )
  })

  test('a pod the suite never saw ready is reported as such; a unit restarted by the suite starts anew', () => {
    const ledger = new RestartLedger()
    ledger.observe([record({ key: 'a', restarts: 2 }), record({ key: 'b', ready: false, restarts: 1 })])
    // systemd flushes NRestarts on a manual restart: 0, then one crash after it served again
    ledger.observe([record({ key: 'a', restarts: 0 })])
    const v = noRestartsAfterReady(
      ledger.since([record({ key: 'a', restarts: 1 }), record({ key: 'b', restarts: 1, ready: false })]),
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toContain('1 restart (1 after it was ready, 0 before)')
    const only = noRestartsAfterReady(ledger.since([record({ key: 'b', restarts: 1, ready: false })]))
    expect(only.passed).toBe(true)
    expect(only.diagnosis).toContain('never seen ready by the suite')
  })

  test('nothing to count is not a pass', () => {
    expect(noRestartsAfterReady([]).passed).toBe(false)
  })

  test('a fault pull: only restarts of its own between the readings count', () => {
    const before = [record({ key: 'a', restarts: 1 }), record({ key: 'b', restarts: 4 })]
    expect(
      restartedBetween(before, [record({ key: 'a', restarts: 1 }), record({ key: 'b', restarts: 0 })]).passed,
    ).toBe(true)
    const v = restartedBetween(before, [record({ key: 'a', restarts: 2, last: 'exit 137' })])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toBe(
      'client on dragonfly-client on w1 restarted on its own 1 time(s) during the pull; last: exit 137',
    )
  })

  test("the previous container's last error line, colours removed (seed client's start-up exit)", () => {
    const log = [
      '\u001b[2;3mat\u001b[0m /root/.cargo/registry/src/h2-0.4.13/src/proto/connection.rs:493',
      '2026-12-05T17:48:22Z DEBUG some error in a debug line',
      'Error: available schedulers not found',
      '',
    ].join('\n')
    expect(lastErrorLine(log)).toBe('Error: available schedulers not found')
    expect(lastErrorLine('all fine\n')).toBeUndefined()
  })
})

describe("a local unit's last exit", () => {
  // the INFO line and systemd's exit line are the dfdaemon-crashed victim's (local run, 2026-12-05
  // 18:32: the INFO line was what the first version of this reader wrongly took as the error); the
  // ERROR line is written here, in dfdaemon's format, to show which line is taken
  const journal = [
    'Dec 05 18:32:14 d7y-stargz-worker2 dfdaemon[2210]: 2026-12-05T18:32:14.466314Z INFO /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/dragonfly-client-1.5.0/src/grpc/dfdaemon_download.rs:191: remove "/var/run/dragonfly/dfdaemon.sock" failed: No such file or directory (os error 2)',
    'Dec 05 18:32:20 d7y-stargz-worker2 dfdaemon[2210]: 2026-12-05T18:32:20.101010Z ERROR announce_host: connect to scheduler failed: transport error',
    'Dec 05 18:32:31 d7y-stargz-worker2 systemd[1]: dragonfly-client.service: Main process exited, code=killed, status=9/KILL',
    "Dec 05 18:32:31 d7y-stargz-worker2 systemd[1]: dragonfly-client.service: Failed with result 'signal'.",
  ].join('\n')

  test("systemd's own line, and the daemon's last error before it (not an INFO line's os error)", () => {
    expect(lastExit(journal)).toBe(
      'dragonfly-client.service: Main process exited, code=killed, status=9/KILL; before it: 2026-12-05T18:32:20.101010Z ERROR announce_host: connect to scheduler failed: transport error',
    )
    expect(
      lastExit(
        journal
          .split('\n')
          .filter((l) => !/ERROR/.test(l))
          .join('\n'),
      ),
    ).toBe('dragonfly-client.service: Main process exited, code=killed, status=9/KILL')
    expect(lastExit('')).toBeUndefined()
  })
})
