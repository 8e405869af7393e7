// Turns a check's verdict into the run's record, an Allure attachment with its evidence, and an
// assertion whose message is the diagnosis.
import * as allure from 'allure-js-commons'
import { expect } from 'vitest'
import { commandTranscript } from '../base/exec.ts'
import { recordCheck } from '../run/state.ts'
import { checkTitle, type CheckId } from './catalog.ts'

export interface Verdict {
  passed: boolean
  /** passed: one line of what was seen; failed: what went wrong and what to look at */
  diagnosis: string
  evidence: unknown
}

let transcriptShown = 0

/** The commands run since the previous verdict (secrets already redacted by exec). */
async function attachTranscript(id: CheckId): Promise<void> {
  const entries = commandTranscript().slice(transcriptShown)
  transcriptShown += entries.length
  if (entries.length === 0) return
  const text = entries
    .map((e) => `$ ${e.command}\n# exit ${e.exitCode} in ${e.durationMs} ms\n${e.tail}`)
    .join('\n\n')
  await allure.attachment(`${id}: command transcript`, text, 'text/plain')
}

export async function judge(id: CheckId, verdict: Verdict): Promise<void> {
  const title = checkTitle(id)
  await attachTranscript(id)
  recordCheck({
    id,
    title,
    status: verdict.passed ? 'passed' : 'failed',
    diagnosis: verdict.diagnosis,
    evidence: verdict.evidence,
  })
  await allure.attachment(`${id}: evidence`, JSON.stringify(verdict.evidence, null, 2), 'application/json')
  expect(verdict.passed, `${title}: ${verdict.diagnosis}`).toBe(true)
}
