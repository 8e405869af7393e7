// A check whose own step threw (or timed out) is `failed` with the error as its diagnosis, not
// `not run: an earlier chapter did not complete`.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test, vi, type TestContext } from 'vitest'
import type { StepContext } from '../../../helpers/checks/step.ts'

// The run context writes run-state.json under the reports dir: keep it out of the repository.
vi.stubEnv('D7Y_REPORTS_DIR', mkdtempSync(path.join(os.tmpdir(), 'd7y-step-')))
vi.stubEnv('D7Y_PROFILE', 'local')

const { stepOf } = await import('../../../helpers/checks/step.ts')
const { recordCheck, requires, runConfig, runState } = await import('../../../helpers/run/state.ts')
const { buildSummary } = await import('../../../helpers/report/summary.ts')

const check = (id: string) =>
  buildSummary(runConfig(), runState(), new Date()).checks.find((c) => c.id === id)

type Handler = Parameters<StepContext['onTestFailed']>[0]

/** A test context whose failure the test triggers by hand, with vitest's error shape. */
function fakeTest() {
  let handler: Handler | undefined
  return {
    ctx: { onTestFailed: (h: Handler) => void (handler = h) },
    fail: (...messages: string[]) =>
      handler?.({ task: { result: { errors: messages.map((message) => ({ message })) } } }),
  }
}

// vitest's own test context is what the chapters pass.
const _fits: (ctx: TestContext) => void = (ctx) => stepOf(ctx, 'nodes-ready')
void _fits

describe('stepOf', () => {
  test('a step that throws before its verdict records the check failed with the error', () => {
    const t = fakeTest()
    stepOf(t.ctx, 'nodes-ready')
    t.fail(
      'docker: Error response from daemon: Conflict.\nThe container name "/d7y-stargz-worker" is already in use',
    )
    expect(check('nodes-ready')).toMatchObject({
      status: 'failed',
      diagnosis:
        'step threw: docker: Error response from daemon: Conflict. The container name "/d7y-stargz-worker" is already in use',
    })
  })

  test('a timed-out step is failed with the timeout', () => {
    const t = fakeTest()
    stepOf(t.ctx, 'stargz-plugin')
    t.fail('Test timed out in 1800000ms.')
    expect(check('stargz-plugin')).toMatchObject({
      status: 'failed',
      diagnosis: 'step threw: Test timed out in 1800000ms.',
    })
  })

  test("a verdict recorded inside the step (judge's failed assertion) is kept", () => {
    const t = fakeTest()
    stepOf(t.ctx, 'dragonfly-ready')
    recordCheck({
      id: 'dragonfly-ready',
      title: 't',
      status: 'failed',
      diagnosis: 'scheduler refuses connections',
    })
    t.fail('expected false to be true')
    expect(check('dragonfly-ready')?.diagnosis).toBe('scheduler refuses connections')
  })

  test('a step that does not fail records nothing of its own', () => {
    stepOf(fakeTest().ctx, 'estargz-valid')
    expect(check('estargz-valid')?.status).toBe('not run')
  })

  test('an image run that threw leaves no pull for the evidence chapters to judge', () => {
    const t = fakeTest()
    stepOf(t.ctx, 'image-runs')
    t.fail('nerdctl run timed out on d7y-stargz-worker2')
    const notes: string[] = []
    requires({ skip: (note?: string) => void notes.push(note ?? '') }, 'p2p-pull')
    expect(notes).toEqual(['needs p2p-pull from an earlier chapter, which did not complete'])
  })
})
