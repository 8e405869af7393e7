// The catalog's own verdict per entry: a fault whose expected checks stay green is a false pass, a
// control with a red check a false alarm, a cause the evidence does not name a misdiagnosis.
import { describe, expect, test } from 'vitest'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { compareFault, faultLine } from '../../../helpers/faults/compare.ts'
import { FAULT_CHECKS, type FaultCheck } from '../../../helpers/faults/checks-and-causes.ts'

const verdicts = (red: FaultCheck[]) =>
  Object.fromEntries(
    FAULT_CHECKS.map((c) => [
      c,
      { passed: !red.includes(c), diagnosis: red.includes(c) ? `${c} red` : 'ok', evidence: {} },
    ]),
  ) as Record<FaultCheck, Verdict>

const fault = {
  id: 'dfdaemon-stopped',
  title: 't',
  expectRed: ['via-dfdaemon', 'single-back-to-source'] as FaultCheck[],
  cause: 'mirror-unreachable' as const,
}
const control = {
  id: 'baseline',
  title: 't',
  expectRed: [] as FaultCheck[],
  cause: 'none' as const,
  control: true,
}

describe('compareFault', () => {
  test('expected checks red and the cause named: ok, extra reds reported only', () => {
    const r = compareFault(
      fault,
      verdicts(['via-dfdaemon', 'single-back-to-source', 'task-succeeded']),
      { code: 'mirror-unreachable', sentence: 's' },
      5,
    )
    expect(r).toMatchObject({ ok: true, falsePasses: [], alsoRed: ['task-succeeded'] })
  })

  test('an expected check that stayed green is a false pass', () => {
    const r = compareFault(
      fault,
      verdicts(['via-dfdaemon']),
      { code: 'mirror-unreachable', sentence: 's' },
      5,
    )
    expect(r.ok).toBe(false)
    expect(r.falsePasses).toEqual(['single-back-to-source'])
    expect(faultLine(r)).toMatch(/FALSE PASS single-back-to-source/)
  })

  test('a red check on a control is a false alarm', () => {
    const r = compareFault(control, verdicts(['remote-snapshots']), { code: 'unknown', sentence: 's' }, 5)
    expect(r.ok).toBe(false)
    expect(r.falseAlarms).toEqual(['remote-snapshots'])
  })

  test('the right checks red for the wrong cause is a misdiagnosis', () => {
    const r = compareFault(
      fault,
      verdicts(['via-dfdaemon', 'single-back-to-source']),
      { code: 'rules-mismatch', sentence: 's' },
      5,
    )
    expect(r.ok).toBe(false)
    expect(faultLine(r)).toMatch(/diagnosed rules-mismatch, expected mirror-unreachable/)
  })
})
