// dragonfly-ready (local) requires the scheduler to know each dfdaemon's host id: the ids expected
// from the nodes must be the ones dfdaemon announces (fixtures/logs/p2p-local shows these).
import { describe, expect, test } from 'vitest'
import { expectedHosts } from '../../../helpers/local/dragonfly.ts'
import type { Node } from '../../../helpers/profiles/node.ts'

const node = (name: string, ip: string, role: Node['role']): Node => ({ name, ip, role, container: name })

describe('expectedHosts', () => {
  test('workers as {ip}-{hostname}, the seed peer on the control plane with -seed', () => {
    expect(
      expectedHosts([
        node('d7y-stargz-control-plane', '172.24.0.2', 'control-plane'),
        node('d7y-stargz-worker', '172.24.0.3', 'worker'),
      ]),
    ).toEqual([
      { name: 'd7y-stargz-control-plane', hostId: '172.24.0.2-d7y-stargz-control-plane-seed' },
      { name: 'd7y-stargz-worker', hostId: '172.24.0.3-d7y-stargz-worker' },
    ])
  })
})
