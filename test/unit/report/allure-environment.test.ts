// environment.properties: the profile's components and the versions of what ran, in Java properties syntax.
import { describe, expect, test } from 'vitest'
import { allureEnvironment, propertiesText } from '../../../helpers/report/allure-environment.ts'
import { buildSummary } from '../../../helpers/report/summary.ts'
import { FINISHED, runState, testConfig } from './fixtures.ts'

describe('Allure environment', () => {
  test('a local run lists its own components, with the versions the run recorded', () => {
    const config = testConfig('local')
    const entries = allureEnvironment(buildSummary(config, runState({ profile: 'local' }), FINISHED))
    expect(entries).toEqual([
      ['profile', 'local'],
      ['run', 'rmwzijose'],
      ['tool.containerd', `${config.toolVersions.containerd} (pinned)`],
      ['tool.nerdctl', `${config.toolVersions.nerdctl} (pinned)`],
      ['tool.stargz', 'v0.18.2'],
      ['tool.scheduler', `${config.toolVersions.scheduler} (pinned)`],
      ['tool.dfdaemon', 'v1.5.0'],
      ['image.registry', 'registry:2.8.3 (pinned)'],
    ])
    const keys = entries.map(([k]) => k)
    for (const absent of ['tool.kind', 'tool.kubectl', 'tool.helm', 'chart.dragonfly', 'image.kindNode'])
      expect(keys).not.toContain(absent)
  })

  test('what a component reported wins over the pin; what it did not is marked pinned', () => {
    const config = testConfig('kind', { D7Y_STARGZ_VERSION: 'v0.17.0' })
    const state = runState({
      profile: 'kind',
      tools: [{ name: 'kind', version: 'v0.29.1', source: 'PATH', path: '/usr/local/bin/kind' }],
    })
    const entries = new Map(allureEnvironment(buildSummary(config, state, FINISHED)))
    expect(entries.get('profile')).toBe('kind')
    expect(entries.get('tool.kind')).toBe('v0.29.1')
    expect(entries.get('tool.stargz')).toBe('v0.17.0 (pinned)')
    expect(entries.get('chart.dragonfly')).toBe(`${config.chartVersion} (pinned)`)
    expect(entries.get('image.kindNode')).toMatch(/^kindest\/node:v\d.* \(pinned\)$/)
    expect(entries.has('tool.containerd')).toBe(false)
    expect(entries.has('tool.dfdaemon')).toBe(false)
  })

  test('what ran, as each component said where it ran, replaces the pin and the pinned image', () => {
    const ran = (where: string, version?: string) => ({
      where,
      command: 'x --version',
      ...(version ? { version } : {}),
      output: version ?? 'x: command not found',
    })
    const state = runState({
      profile: 'local',
      tools: [
        {
          name: 'containerd',
          version: 'v2.2.1',
          source: 'cache',
          path: '/c',
          ran: [ran('w1', 'v2.2.1'), ran('w2', 'v2.2.0')],
        },
        { name: 'scheduler', version: 'v2.5.1', source: 'cache', path: '/s', ran: [ran('cp')] },
        {
          name: 'registry',
          version: '2.8.3',
          source: 'as found where it runs',
          path: '',
          ran: [ran('reg', '2.8.2+ds1')],
        },
      ],
    })
    const entries = new Map(allureEnvironment(buildSummary(testConfig('local'), state, FINISHED)))
    expect(entries.get('tool.containerd')).toBe('v2.2.1 on w1; v2.2.0 on w2')
    expect(entries.get('tool.scheduler')).toBe('v2.5.1 (pinned)')
    expect(entries.get('tool.registry')).toBe('2.8.2+ds1')
    expect(entries.has('image.registry')).toBe(false)
  })

  test('escapes separators in keys, backslashes, line breaks and non-ASCII', () => {
    expect(
      propertiesText([
        ['a key=with:specials', 'C:\\path\nnext'],
        ['unicode', 'pull → run ✅'],
        ['blank', ' leading'],
      ]),
    ).toBe(
      'a\\ key\\=with\\:specials=C:\\\\path\\nnext\n' +
        'unicode=pull \\u2192 run \\u2705\n' +
        'blank=\\ leading\n',
    )
  })
})
