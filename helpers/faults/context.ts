// The running cluster as a judged pull needs it (the fault catalog's entries, the upgrade's after pull).
import { profileFor } from '../profiles/profile-for.ts'
import { helmValues } from '../render/index.ts'
import type { DragonflyValues } from '../render/helm-values.ts'
import { controlPlane, originRegistry, runConfig, runState, workers } from '../run/state.ts'
import type { FaultContext } from './types.ts'

export async function faultContext(
  log: (l: string) => void,
  values: DragonflyValues = helmValues(runConfig()),
): Promise<FaultContext> {
  const config = runConfig()
  const image = runState().image!
  return {
    config,
    profile: await profileFor(config),
    workers: workers(),
    controlPlane: controlPlane(),
    registry: originRegistry(),
    image: {
      esgzRef: image.esgzRef,
      plainRef: image.plainRef,
      layers: image.layers,
      manifest: image.manifest,
      rootfs: image.rootfs ?? {},
    },
    values,
    stepMs: config.stepTimeoutMinutes * 60_000,
    log,
  }
}
