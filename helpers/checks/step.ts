// A check's own step (creating the cluster, deploying Dragonfly, pushing the image ...) can throw,
// or time out, before judge() is reached. Unrecorded, the summary would call the check "not run: an
// earlier chapter did not complete" and hide the real error; so the step's error becomes its verdict.
import { STEP_THREW, recordCheck, runState } from '../run/state.ts'
import { checkTitle, type CheckId } from './catalog.ts'

/** What of vitest's test context this needs (its TestContext fits). */
export interface StepContext {
  onTestFailed(
    handler: (ctx: { task: { result?: { errors?: readonly { message?: string }[] } } }) => void,
  ): void
}

/**
 * Declares the running test the step that produces check `id`. If the test then fails (an error,
 * a timeout) and the check got no new verdict, the check is recorded `failed` with the error as its
 * diagnosis. A verdict judge() recorded (its failed assertion is what failed the test) is kept;
 * a skipped test does not fail, so its check stays `not run` with the skip's reason.
 */
export function stepOf(ctx: StepContext, id: CheckId): void {
  const before = runState().checks.find((c) => c.id === id)
  ctx.onTestFailed(({ task }) => {
    if (runState().checks.find((c) => c.id === id) !== before) return
    const errors = task.result?.errors ?? []
    const message = errors
      .map((e) => (e.message ?? '').replace(/\s*\n\s*/g, ' ').trim())
      .filter(Boolean)
      .join('; ')
    recordCheck({
      id,
      title: checkTitle(id),
      status: 'failed',
      diagnosis: `${STEP_THREW}${message || 'the test failed without an error message'}`,
      evidence: { errors },
    })
  })
}
