// The negative control: the same pull with the snapshotter's mirror pointed straight at the origin.
// Every routing check is judged on that bypassed pull too, and each must go red there for a reason
// of its own (not "cannot judge"): a check that stays green on a pull Dragonfly never saw cannot tell
// P2P from no P2P, so its pass proves nothing. The origin must also have sent each node about the
// whole layer, or the control shows nothing about what P2P saves.
import { judgeLayers, layerLine, type BackToSourceFacts } from './back-to-source.ts'
import type { CheckId } from './catalog.ts'
import type { Verdict } from './verdict.ts'

/** The checks that judge where the bytes came from; each must fail on the bypassed pull. */
export const ROUTING_CHECKS = ['via-dfdaemon', 'task-succeeded', 'single-back-to-source'] as const
export type RoutingCheck = (typeof ROUTING_CHECKS)[number] & CheckId

/** With the mirror bypassed every node reads the whole layer itself: at least this much per node. */
export const MIN_DIRECT_SHARE_PER_NODE = 0.8

const CANNOT = /^cannot judge/

export function negativeControl(facts: BackToSourceFacts, verdicts: Record<RoutingCheck, Verdict>): Verdict {
  const judged = judgeLayers(facts)
  const perCheck = ROUTING_CHECKS.map((id) => {
    const v = verdicts[id]
    const state = v.passed ? 'stayed green' : CANNOT.test(v.diagnosis) ? 'could not judge' : 'red'
    return { id, state, diagnosis: v.diagnosis }
  })
  const blind = perCheck.filter((c) => c.state !== 'red')
  const low = judged.filter((j) => j.rawAmplification < MIN_DIRECT_SHARE_PER_NODE * facts.nodes)
  const evidence = { checks: perCheck, layers: judged, nodes: facts.nodes }
  const problems: string[] = []
  for (const c of blind)
    problems.push(
      `${c.id} ${c.state} on the bypassed pull (${c.diagnosis}): it cannot tell P2P from a direct pull, so its pass proves nothing`,
    )
  if (judged.length === 0) problems.push('no large layer: the control cannot show what P2P saves')
  for (const j of low)
    problems.push(
      `the bypassed pull gave ${j.rawAmplification.toFixed(2)}x for ${j.digest.slice(0, 19)}, expected about ${facts.nodes}x: nodes did not fetch whole layers, so the control does not show what P2P saves`,
    )
  if (problems.length) return { passed: false, diagnosis: problems.join('; '), evidence }
  return {
    passed: true,
    diagnosis:
      `bypassed pull: ${judged.map(layerLine).join('; ')}; red there: ` +
      perCheck.map((c) => `${c.id} (${c.diagnosis.slice(0, 160)})`).join('; '),
    evidence,
  }
}
