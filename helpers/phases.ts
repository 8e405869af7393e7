// Phase marks and evidence shared between the run, evidence and back-to-source chapters.
import type { DfdaemonTraffic } from './evidence/prom-metrics.ts'
import type { FreshImage } from './image/fresh-blobs.ts'
import type { PhaseEvidence, PhaseMark } from './pull-phase.ts'
import { otherRunEvidence } from './checks/run-mark.ts'
import { runState } from './run-context.ts'

export interface PhaseRecord {
  /** the copy of the test image this pull took (its own blobs: no Dragonfly state from earlier pulls) */
  image: FreshImage
  mark: PhaseMark
  /** counters before the pull; a string says why they could not be read */
  trafficBefore: Record<string, DfdaemonTraffic> | string
  evidence?: PhaseEvidence
}

/** the nerdctl P2P pull, the CRI Pods' pull (kind), the bypassed pull of the negative control */
export type PhaseName = 'p2p' | 'cri' | 'control'

const phases = new Map<string, PhaseRecord>()

export function setPhase(name: PhaseName, record: PhaseRecord): void {
  phases.set(name, record)
}

/**
 * The record of `name`'s pull in run `runId` (this run). Records outlive a run in the module (the
 * chapters share one module graph): one whose mark, or whose evidence's mark, carries another run's
 * id is refused with a cannot-judge diagnosis, never handed to collection or a verdict.
 */
export function phase(name: PhaseName, runId: string = runState().runId): PhaseRecord {
  const p = phases.get(name)
  if (!p) throw new Error(`the ${name} pull did not run in this run (an earlier chapter failed)`)
  for (const mark of [p.mark, p.evidence?.mark]) {
    const other = mark && otherRunEvidence(`the ${name} pull`, mark.runId, runId)
    if (other) throw new Error(other)
  }
  return p
}
