// Chapter 8c (before the fault catalog, which stops components on purpose): did any Dragonfly
// component restart on its own after the suite saw it ready? Every component's restarts are reported,
// with the last error line of the run that ended; a restart after ready is a crash under the
// suite's load and turns the check red.
import { beforeEach, describe, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { noRestartsAfterReady } from '../helpers/checks/restarts.ts'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { requires, runConfig, runState } from '../helpers/run/state.ts'

describe('restarts', () => {
  beforeEach(async (ctx) => {
    await labelChapter('dragonfly')
    requires(ctx, 'nodes', 'dragonfly')
  })

  test('no Dragonfly component restarted on its own after it was ready', async (ctx) => {
    stepOf(ctx, 'no-restarts')
    const profile = await profileFor(runConfig())
    await judge('no-restarts', noRestartsAfterReady(await profile.restarts(runState().nodes)))
  })
})
