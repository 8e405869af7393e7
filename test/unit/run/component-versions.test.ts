// Issue 8 finding 14: the summary reported pins, not what ran (Debian's registry 2.8.2 shown as 2.8.3).
// Before this, tool entries held only the pinned version; nothing recorded a component's own answer.
import { describe, expect, test } from 'vitest'
import {
  NODE_VERSION_PROBES,
  DRAGONFLY_NODE_PROBES,
  DRAGONFLY_POD_PROBES,
  ranVersion,
  versionMismatches,
  withRanVersions,
} from '../../../helpers/evidence/component-versions.ts'
import type { ToolInfo } from '../../../helpers/run/state.ts'

const pinnedTools: ToolInfo[] = [
  { name: 'containerd', version: 'v2.2.1', source: 'cache', path: '/c/containerd' },
  { name: 'dfdaemon', version: 'v1.5.0', source: 'build', path: '/c/dfdaemon' },
]

describe('what ran', () => {
  test("a probe records the version the component's own output names, and the output", () => {
    expect(
      ranVersion(
        'registry-c',
        ['/usr/bin/docker-registry', '--version'],
        true,
        '/usr/bin/docker-registry github.com/docker/distribution 2.8.2+ds1\n',
      ),
    ).toEqual({
      where: 'registry-c',
      command: '/usr/bin/docker-registry --version',
      version: '2.8.2+ds1',
      output: '/usr/bin/docker-registry github.com/docker/distribution 2.8.2+ds1',
    })
    // A failed command names no version, even when its error text holds digits.
    const failed = ranVersion('w1', ['dfdaemon', '--version'], false, 'exec: "dfdaemon": not found 1.2.3')
    expect(failed.version).toBeUndefined()
  })

  test('tool entries get what ran; components the suite did not obtain get entries of their own', () => {
    const ran = new Map([
      [
        'containerd',
        [
          ranVersion(
            'worker-1',
            ['containerd', '--version'],
            true,
            'containerd github.com/containerd/containerd/v2 v2.2.1 x',
          ),
        ],
      ],
      [
        'registry',
        [
          ranVersion(
            'reg',
            ['registry', '--version'],
            true,
            'registry github.com/docker/distribution 2.8.2+ds1',
          ),
        ],
      ],
    ])
    const tools = withRanVersions(pinnedTools, ran, { registry: '2.8.3' })
    expect(tools.find((t) => t.name === 'containerd')?.ran?.[0]?.version).toBe('v2.2.1')
    expect(tools.find((t) => t.name === 'dfdaemon')?.ran).toBeUndefined()
    expect(tools.find((t) => t.name === 'registry')).toMatchObject({
      version: '2.8.3',
      ran: [{ version: '2.8.2+ds1' }],
    })
    expect(versionMismatches(tools)).toEqual([
      'registry: pinned 2.8.3, ran 2.8.2+ds1 in reg (registry --version)',
    ])
  })

  test("every component of the integration is probed with its catalog's version command", () => {
    expect(NODE_VERSION_PROBES.map((p) => p.component).sort()).toEqual(['containerd', 'nerdctl', 'stargz'])
    // Dragonfly's daemons where each profile runs them: nodes (local), the chart's pods (kind)
    expect(DRAGONFLY_NODE_PROBES.map((p) => p.component).sort()).toEqual(['dfdaemon', 'scheduler'])
    expect(DRAGONFLY_NODE_PROBES.find((p) => p.component === 'scheduler')?.argv).toEqual([
      'scheduler',
      'version',
    ])
    expect(DRAGONFLY_POD_PROBES.map((p) => `${p.component}/${p.container}: ${p.argv.join(' ')}`)).toEqual([
      'scheduler/scheduler: /opt/dragonfly/bin/scheduler version',
      'manager/manager: /opt/dragonfly/bin/manager version',
      'seed-client/seed-client: dfdaemon --version',
      'client/client: dfdaemon --version',
    ])
  })
})
