// A fault catalog entry: one real misconfiguration or outage injected into the running cluster, the
// checks it must turn red, and the cause the evidence must be diagnosed as.
import type { Config } from '../run/config.ts'
import type { Node } from '../profiles/node.ts'
import type { Profile } from '../profiles/profile.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import type { DragonflyValues } from '../render/helm-values.ts'
import type { LayerInfo } from '../run/state.ts'
import type { CauseCode, FaultCheck } from './checks-and-causes.ts'

/** What a fault's pull needs to know of the cluster and the run. */
export interface FaultContext {
  config: Config
  profile: Profile
  workers: Node[]
  controlPlane: Node
  registry: OriginRegistry
  image: {
    esgzRef: string
    plainRef: string
    layers: LayerInfo[]
    manifest: unknown
    /** the image's files as the pushed layers hold them: path → content digest (rootfs-content) */
    rootfs: Record<string, string>
  }
  /** the Dragonfly values in force (a fault may change them; task ids follow them) */
  values: DragonflyValues
  stepMs: number
  log: (line: string) => void
}

/** What an injection changes for the pull: another image manifest, other Dragonfly values. */
export interface FaultSetup {
  /** the values in force during the pull, when the fault changed them */
  values?: DragonflyValues
}

export interface FaultEntry {
  id: string
  title: string
  /** what the injection changes in the running system */
  simulates: string
  /** the real incident it comes from (../shared/FAULTS.md and its sources) */
  incident: string
  /** checks that must go red; a control expects none */
  expectRed: FaultCheck[]
  cause: CauseCode
  /** a control: everything must stay green */
  control?: boolean
  /** the profiles that inject it, each with `true` or why it cannot be caused there yet */
  profiles: Record<Config['profile'], true | string>
  inject(ctx: FaultContext): Promise<FaultSetup>
  restore(ctx: FaultContext): Promise<void>
}
