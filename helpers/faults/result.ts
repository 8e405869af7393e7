// What one fault's run came to: its observed verdicts and diagnosed cause beside what its catalog
// entry expects (compare.ts fills it in). It sits low, importing only leaf modules, because the run
// state (run/state.ts) holds these results and must not import the comparison, which needs verdicts.
import type { OnDemandFigures, OriginRow } from '../evidence/origin-figures.ts'
import type { Cause, FaultCheck } from './checks-and-causes.ts'

export interface FaultResult {
  id: string
  title: string
  control: boolean
  expectRed: FaultCheck[]
  expectedCause: string
  observed: Record<FaultCheck, { passed: boolean; diagnosis: string }>
  cause: Cause
  /** expected red, observed green */
  falsePasses: FaultCheck[]
  /** red on a control */
  falseAlarms: FaultCheck[]
  /** red although the entry does not expect it (reported; fails nothing) */
  alsoRed: FaultCheck[]
  causeMatches: boolean
  ok: boolean
  durationMs: number
  /** the injection, pull or restore threw */
  error?: string
  /** the pull's origin figures, as the run's summary records the P2P pull's (absent if it did not run) */
  origin?: { p2p: OriginRow[]; p2pOnDemand: OnDemandFigures[] }
}
