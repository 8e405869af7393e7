// Dragonfly reconfigured in place on kind the way a chart user does it (the fault catalog's config
// entries and their restore): `helm upgrade --reuse-values` with the changed values on top, then the
// rollout awaited through the API. Pods whose rendered config changed are replaced (the DaemonSet's
// clients all at once: the chart's maxUnavailable is 20); the others keep running.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'
import { DRAGONFLY_NAMESPACE, type DragonflyValues } from '../render/index.ts'
import { helm } from './commands.ts'
import { awaitDragonflyWorkloads, runHelm, type Flow } from './flow.ts'
import type { StepIO } from './step-io.ts'

export async function reconfigureKind(io: StepIO, f: Flow, values: DragonflyValues): Promise<void> {
  const { ctx } = f
  const file = path.join(ctx.layout.dir, 'reconfigure-values.yaml')
  // hostAliases are the install's (the registry's address under podman): --reuse-values keeps them
  const changed = structuredClone(values)
  delete changed.client.hostAliases
  delete changed.seedClient.hostAliases
  await io.write(file, stringify(changed))
  await runHelm(io, helm.upgradeValues(ctx, file))
  await awaitDragonflyWorkloads(
    io,
    f,
    `every workload in ${DRAGONFLY_NAMESPACE} rolled out with the new values and ready`,
  )
  await io.task(`rm ${file}`, () => rm(file, { force: true }), undefined)
}
