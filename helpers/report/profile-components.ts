// The components a profile runs, for the reports' "versions under test": a local run has no kind,
// kubectl, helm, Helm chart or kind node image, and a kind run builds no containerd or Dragonfly binary.
import type { Profile } from '../run/config.ts'
import { profileTools } from '../tools/catalog.ts'
import type { ToolName, versions } from '../base/versions.ts'

export type ImageName = keyof typeof versions.images

export interface ProfileComponents {
  tools: readonly ToolName[]
  /** whether the Dragonfly Helm chart is installed (the local profile only renders its values file) */
  chart: boolean
  images: readonly ImageName[]
}

export const profileComponents: Record<Profile, ProfileComponents> = {
  local: { tools: profileTools.local, chart: false, images: ['registry'] },
  kind: { tools: profileTools.kind, chart: true, images: ['kindNode', 'scheduler', 'client', 'registry'] },
  cluster: { tools: profileTools.cluster, chart: true, images: ['scheduler', 'client', 'registry'] },
}

/** The components of a profile by name; an unknown profile name (a foreign summary) has none. */
export function componentsOf(profile: string): ProfileComponents {
  return Object.hasOwn(profileComponents, profile)
    ? profileComponents[profile as Profile]
    : { tools: [], chart: false, images: [] }
}
