// A deliberately narrowed run (a file filter, -t, a shard) is named, so its summary can say so.
import { describe, expect, test } from 'vitest'
import { parseVitestArgs } from '../../../helpers/run/filter.ts'

describe('parseVitestArgs', () => {
  test('the whole run is not filtered', () => {
    expect(parseVitestArgs([])).toEqual({ refused: [] })
    expect(parseVitestArgs(['--bail', '1', '--reporter=verbose'])).toEqual({ refused: [] })
  })

  test('a file filter, a test name pattern and a shard are named', () => {
    expect(parseVitestArgs(['suites/00-preflight.e2e.ts']).filter).toBe(
      'files matching suites/00-preflight.e2e.ts',
    )
    expect(parseVitestArgs(['-t', 'preflight']).filter).toBe('tests matching preflight')
    expect(parseVitestArgs(['suites/10', '--testNamePattern=nodes', '--shard', '1/2']).filter).toBe(
      'files matching suites/10; tests matching nodes; shard 1/2',
    )
  })

  test('another project or watch mode is refused', () => {
    expect(parseVitestArgs(['--project', 'unit']).refused).toEqual([
      '--project: the runner runs the conformance project only',
    ])
    expect(parseVitestArgs(['--watch']).refused).toHaveLength(1)
  })
})
