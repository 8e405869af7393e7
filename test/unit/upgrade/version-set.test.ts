// Version sets (D7Y_UPGRADE_FROM / D7Y_UPGRADE_TO): parsed and refused before any work.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { formatVersionSet, parseVersionSet, upgradeSteps } from '../../../helpers/upgrade/version-set.ts'
import { versions } from '../../../helpers/base/versions.ts'

describe('parseVersionSet', () => {
  test('names and aliases', () => {
    expect(parseVersionSet('stargz=v0.19.1, client=1.5.10,dragonfly=v2.5.1')).toEqual({
      stargz: 'v0.19.1',
      dfdaemon: '1.5.10',
      scheduler: 'v2.5.1',
      manager: 'v2.5.1',
    })
    expect(formatVersionSet(parseVersionSet('dfdaemon=1.5.0,stargz=v0.18.2'))).toBe(
      'stargz=v0.18.2,dfdaemon=1.5.0',
    )
  })

  test.each([
    ['', /empty/],
    ['stargz', /expected name=version/],
    [
      'containerd=v2.0.0',
      /"containerd" is not an upgradable component: expected one of stargz, dfdaemon, client/,
    ],
    ['stargz=latest', /"latest" is not a version like v1\.2\.3/],
    ['client=1.5.0,dfdaemon=1.5.10', /dfdaemon is named twice/],
    ['dragonfly=v2.5.1,scheduler=v2.5.0', /scheduler is named twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseVersionSet(text)).toThrow(message)
  })

  test('steps follow the maintainer’s order whatever the order written', () => {
    expect(upgradeSteps(parseVersionSet('scheduler=v2.5.1,dfdaemon=1.5.0,stargz=v0.19.1'))).toEqual([
      'stargz',
      'dfdaemon',
      'scheduler',
    ])
  })
})

describe('the upgrade in the configuration', () => {
  const env = (over: Record<string, string>) => ({ D7Y_PROFILE: 'local', ...over })

  test('the FROM side replaces the pins; the TO side is kept for the upgrade', () => {
    const c = loadConfig(
      env({ D7Y_UPGRADE_FROM: 'stargz=v0.18.2,dfdaemon=1.5.0', D7Y_UPGRADE_TO: 'stargz=v0.19.1' }),
    )
    expect(c.toolVersions.stargz).toBe('v0.18.2')
    // spelled as the pins are (dfdaemon's pin is v1.5.0): the tool cache keys on it
    expect(c.toolVersions.dfdaemon).toBe('v1.5.0')
    expect(c.toolVersions.scheduler).toBe(versions.tools.scheduler.version)
    expect(c.upgradeTo).toEqual({ stargz: 'v0.19.1' })
  })

  test.each([
    [{ D7Y_UPGRADE_FROM: 'stargz=v0.18.2' }, /D7Y_UPGRADE_TO is missing/],
    [{ D7Y_UPGRADE_TO: 'stargz=v0.19.1' }, /D7Y_UPGRADE_FROM is missing/],
    [
      { D7Y_UPGRADE_FROM: 'stargz=v0.18.2', D7Y_UPGRADE_TO: 'stargz=v0.19.1', D7Y_STARGZ_VERSION: 'v0.18.1' },
      /D7Y_STARGZ_VERSION and D7Y_UPGRADE_FROM both set stargz's version/,
    ],
    [
      { D7Y_UPGRADE_FROM: 'stargz=v0.18.2', D7Y_UPGRADE_TO: 'dragonfly=v2.5.1' },
      /the local profile cannot upgrade manager: it deploys Dragonfly without the manager/,
    ],
    [
      { D7Y_UPGRADE_FROM: 'stargz=v0.18', D7Y_UPGRADE_TO: 'stargz=v0.19.1' },
      /D7Y_UPGRADE_FROM="stargz=v0\.18" is invalid: stargz=v0\.18: "v0\.18" is not a version like v1\.2\.3; expected a version set/,
    ],
  ])('refuses %j', (over, message) => {
    expect(() => loadConfig(env(over))).toThrow(message)
  })

  test("on kind the chart's app versions upgrade to the pins; a chart-to-chart upgrade is refused with why", () => {
    const c = loadConfig({
      D7Y_PROFILE: 'kind',
      D7Y_UPGRADE_FROM: 'dragonfly=v2.5.0,client=1.4.0',
      D7Y_UPGRADE_TO: 'dragonfly=v2.5.1,client=1.5.0',
    })
    expect(c.toolVersions).toMatchObject({ scheduler: 'v2.5.0', manager: 'v2.5.0', dfdaemon: 'v1.4.0' })
    expect(c.upgradeTo).toEqual({ scheduler: 'v2.5.1', manager: 'v2.5.1', dfdaemon: 'v1.5.0' })
    expect(() =>
      loadConfig({
        D7Y_PROFILE: 'kind',
        D7Y_UPGRADE_FROM: 'chart=1.7.4,dragonfly=v2.5.0',
        D7Y_UPGRADE_TO: 'chart=1.7.5,dragonfly=v2.5.1',
      }),
    ).toThrow(/a chart-to-chart upgrade is not built yet/)
  })
})

describe('the local profile and manager-less schedulers', () => {
  test.each([
    [
      { D7Y_SCHEDULER_VERSION: 'v2.5.0' },
      /the scheduler v2\.5\.0 on the local profile: .*before v2\.5\.1 refuse/,
    ],
    [
      { D7Y_UPGRADE_FROM: 'scheduler=v2.5.0', D7Y_UPGRADE_TO: 'scheduler=v2.5.1' },
      /the scheduler v2\.5\.0 on the local profile/,
    ],
    [
      { D7Y_UPGRADE_FROM: 'stargz=v0.18.2', D7Y_UPGRADE_TO: 'scheduler=v2.4.0' },
      /D7Y_UPGRADE_TO v2\.4\.0 on the local profile/,
    ],
  ])('refuses %j (scheduler v2.5.0 exited with "unknown flag: --dynconfig", measured)', (over, message) => {
    expect(() => loadConfig({ D7Y_PROFILE: 'local', ...over })).toThrow(message)
  })

  test('kind runs the chart’s manager: v2.5.0 is accepted there', () => {
    expect(loadConfig({ D7Y_PROFILE: 'kind', D7Y_SCHEDULER_VERSION: 'v2.5.0' }).toolVersions.scheduler).toBe(
      'v2.5.0',
    )
  })
})
