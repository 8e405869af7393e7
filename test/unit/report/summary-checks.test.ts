// The summary counts every check the run judged: the cluster profile's first run on the stand-in
// (2026-12-06) judged cri-pod-runs red while the summary, listing the checks of kind alone, said PASSED.
import { describe, expect, test } from 'vitest'
import { buildSummary } from '../../../helpers/report/summary.ts'
import { FINISHED, passedChecks, runState, testConfig } from './fixtures.ts'

describe('summary checks', () => {
  test('the cluster profile lists the Kubernetes checks, and a red one fails the run', () => {
    const checks = passedChecks('cluster').map((c) =>
      c.id === 'cri-pod-runs'
        ? { ...c, status: 'failed' as const, diagnosis: 'the origin served it twice' }
        : c,
    )
    const s = buildSummary(testConfig('cluster'), runState({ profile: 'cluster', checks }), FINISHED)
    expect(s.checks.map((c) => c.id)).toContain('peer-endpoints')
    expect(s.checks.find((c) => c.id === 'cri-pod-runs')?.status).toBe('failed')
    expect(s.passed).toBe(false)
  })

  test('a judged check the profile does not list is kept, not dropped', () => {
    const checks = [
      ...passedChecks('local'),
      { id: 'cri-pod-runs', title: '', status: 'failed' as const, diagnosis: 'x' },
    ]
    const s = buildSummary(testConfig('local'), runState({ profile: 'local', checks }), FINISHED)
    expect(s.checks.find((c) => c.id === 'cri-pod-runs')?.status).toBe('failed')
    expect(s.passed).toBe(false)
  })
})
