// Chapter 9 (what proves the verdicts): the fault catalog. With D7Y_FAULTS set, each entry breaks
// the running cluster for real (a stopped daemon, a wrong config, a firewall rule, a re-pushed
// manifest), makes the same pull as the conformance run, judges every check on its evidence, and
// holds the red checks and the diagnosed cause against what the entry expects. Then it restores.
import * as allure from 'allure-js-commons'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { checkTitle } from '../helpers/checks/catalog.ts'
import { FAULTS, selectFaults } from '../helpers/faults/catalog.ts'
import { faultLine } from '../helpers/faults/compare.ts'
import type { FaultResult } from '../helpers/faults/result.ts'
import { restoreStargzConfig } from '../helpers/faults/injections.ts'
import { runFault } from '../helpers/faults/run-fault.ts'
import { faultContext } from '../helpers/faults/context.ts'
import { timed } from '../helpers/base/progress.ts'
import { recordCheck, requires, runConfig, runState, updateState } from '../helpers/run/state.ts'

const config = runConfig()
const selected = selectFaults(config.faults, config.profile)
const results: FaultResult[] = []

const context = faultContext

describe.skipIf(selected.length === 0)('fault catalog', () => {
  beforeEach(async (ctx) => {
    await labelChapter('faults')
    requires(ctx, 'image', 'stargz')
  })

  beforeAll(async () => {
    // The control and the benchmark leave other snapshotter configs behind: start from the healthy one.
    if (runState().image) await timed('faults', async (log) => restoreStargzConfig(await context(log)))
  })

  for (const entry of selected)
    test(`${entry.id}: ${entry.title}`, async () => {
      const r = await timed(`fault ${entry.id}`, async (log) => runFault(entry, await context(log)))
      results.push(r)
      updateState((s) => (s.faults = [...results]))
      console.log(faultLine(r))
      await allure.attachment(`${entry.id}: result`, JSON.stringify(r, null, 2), 'application/json')
      expect(r.ok, faultLine(r)).toBe(true)
    })

  afterAll(() => {
    const bad = results.filter((r) => !r.ok)
    const missing = selected.filter((f) => !results.some((r) => r.id === f.id))
    recordCheck({
      id: 'fault-catalog',
      title: checkTitle('fault-catalog'),
      status: bad.length || missing.length ? 'failed' : 'passed',
      diagnosis:
        bad.length || missing.length
          ? [...bad.map(faultLine), ...missing.map((f) => `${f.id}: did not run`)].join('; ')
          : `${results.length} of ${FAULTS.length} entries: 0 false passes, 0 false alarms, every cause diagnosed (${results.map((r) => `${r.id} → ${r.cause.code}`).join(', ')})`,
      evidence: results,
    })
  })
})
