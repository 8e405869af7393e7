// Chapter 0: nothing is created until everything the run needs is known to be there.
import { beforeEach, describe, expect, test } from 'vitest'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { runConfig, updateState } from '../helpers/run/state.ts'
import { leftovers } from '../helpers/run/leftovers.ts'
import { userInputProblems } from '../helpers/run/user-inputs.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('preflight', () => {
  beforeEach(() => labelChapter('preflight'))

  test('every prerequisite of the profile is present', async () => {
    const config = runConfig()
    const profile = await profileFor(config)
    // an earlier run's containers with this run's names would fail the cluster chapter half-way
    const problems = [
      ...userInputProblems(config),
      ...(await profile.preflight()),
      ...(await leftovers(config)),
    ]
    const message = problems.map((p) => `  - ${p.what}: ${p.fix}`).join('\n')
    expect(problems, `missing prerequisites for the ${config.profile} profile:\n${message}`).toEqual([])
    // Later chapters create things only after this point (run state `requires('preflight')`).
    updateState((s) => (s.marks.preflight = 'ok'))
  })
})
