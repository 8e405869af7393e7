// environment.properties: every version under test and the profile, in Java properties syntax.
import { describe, expect, test } from 'vitest'
import { allureEnvironment, propertiesText } from '../../../helpers/report/allure-environment.ts'
import { buildSummary } from '../../../helpers/report/summary.ts'
import { FINISHED, runState, testConfig } from './fixtures.ts'

describe('Allure environment', () => {
  test('lists the profile, every tool, the chart and every image', () => {
    const config = testConfig('kind', { D7Y_STARGZ_VERSION: 'v0.17.0' })
    const entries = new Map(allureEnvironment(buildSummary(config, runState({ profile: 'kind' }), FINISHED)))
    expect(entries.get('profile')).toBe('kind')
    expect(entries.get('run')).toBe('rmwzijose')
    for (const [tool, version] of Object.entries(config.toolVersions))
      expect(entries.get(`tool.${tool}`)).toBe(version)
    expect(entries.get('tool.stargz')).toBe('v0.17.0')
    expect(entries.get('chart.dragonfly')).toBe(config.chartVersion)
    for (const [name, pin] of Object.entries(config.versions.images))
      expect(entries.get(`image.${name}`)).toBe(`${pin.repository}:${pin.tag}`)
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
