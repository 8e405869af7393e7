// Phase marks and evidence shared between the run, evidence and back-to-source chapters.
import type { DfdaemonTraffic } from './evidence/prom-metrics.ts'
import type { FreshImage } from './image/fresh-blobs.ts'
import type { PhaseEvidence, PhaseMark } from './pull-phase.ts'

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

export function phase(name: PhaseName): PhaseRecord {
  const p = phases.get(name)
  if (!p) throw new Error(`the ${name} pull did not run in this run (an earlier chapter failed)`)
  return p
}
