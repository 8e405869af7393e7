// The scale chapter's settings: comma lists parsed and checked before anything is created, and
// preflight refusing a series whose largest N the cluster (D7Y_WORKERS) cannot hold.
import { describe, expect, test } from 'vitest'
import { ConfigError, configVariables, loadConfig } from '../../../helpers/run/config.ts'
import { userInputProblems } from '../../../helpers/run/user-inputs.ts'

describe('scale settings', () => {
  test('defaults: off, 3 repetitions, both patterns and modes, no stability series', () => {
    const c = loadConfig({})
    expect(c.scale).toBeUndefined()
    expect(c.scaleRepetitions).toBe(3)
    expect(c.scalePatterns).toEqual(['concurrent', 'sequential'])
    expect(c.scaleModes).toEqual(['dragonfly', 'direct'])
    expect(c.stabilityRuns).toBe(0)
    const vars = Object.fromEntries(configVariables().map((v) => [v.env, v.default]))
    expect(vars.D7Y_SCALE).toBe('(none)')
    expect(vars.D7Y_SCALE_PATTERNS).toBe('concurrent,sequential')
  })

  test('lists are parsed, N sorted ascending', () => {
    const c = loadConfig({
      D7Y_SCALE: '8, 1,2 ,4',
      D7Y_SCALE_REPETITIONS: '1',
      D7Y_SCALE_PATTERNS: 'concurrent',
      D7Y_SCALE_MODES: 'direct,dragonfly',
      D7Y_STABILITY_RUNS: '10',
    })
    expect(c.scale).toEqual([1, 2, 4, 8])
    expect(c.scaleRepetitions).toBe(1)
    expect(c.scalePatterns).toEqual(['concurrent'])
    expect(c.scaleModes).toEqual(['direct', 'dragonfly'])
    expect(c.stabilityRuns).toBe(10)
  })

  test.each([
    ['D7Y_SCALE', '1,,2'],
    ['D7Y_SCALE', '2,2'],
    ['D7Y_SCALE', '0'],
    ['D7Y_SCALE', '9'],
    ['D7Y_SCALE', 'two'],
    ['D7Y_SCALE_PATTERNS', 'parallel'],
    ['D7Y_SCALE_MODES', 'p2p'],
    ['D7Y_SCALE_REPETITIONS', '0'],
    ['D7Y_STABILITY_RUNS', '-1'],
  ])('%s=%s is refused with one line naming the setting', (env, value) => {
    expect(() => loadConfig({ [env]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [env]: value })).toThrow(new RegExp(`^${env}=`))
  })
})

describe('preflight', () => {
  test('the largest N must fit the cluster built with D7Y_WORKERS', () => {
    const problems = userInputProblems(loadConfig({ D7Y_WORKERS: '4', D7Y_SCALE: '1,2,4,8' }))
    expect(problems).toHaveLength(1)
    expect(problems[0]!.what).toBe('D7Y_SCALE=1,2,4,8 needs 8 workers but D7Y_WORKERS=4')
    expect(problems[0]!.fix).toMatch(/^set D7Y_WORKERS=8/)
    expect(userInputProblems(loadConfig({ D7Y_WORKERS: '8', D7Y_SCALE: '1,2,4,8' }))).toEqual([])
    expect(userInputProblems(loadConfig({ D7Y_WORKERS: '2', D7Y_SCALE: '1,2' }))).toEqual([])
  })

  test('the stability series needs 2 workers', () => {
    const problems = userInputProblems(loadConfig({ D7Y_WORKERS: '1', D7Y_STABILITY_RUNS: '5' }))
    expect(problems.map((p) => p.what)).toEqual([
      'D7Y_STABILITY_RUNS=5 (2 workers) needs 2 workers but D7Y_WORKERS=1',
    ])
  })
})
