// An upgrade in place on the local profile, the way an operator of plain nodes does it: the new
// binary moved over the old one, the unit restarted, and the component awaited until it serves
// again, one node at a time (the seed peer first, then the clients: a rolling update).
import type { Config } from '../run/config.ts'
import type { Node } from '../profiles/node.ts'
import { SCHEDULER_PORTS } from '../render/index.ts'
import { obtainTool } from '../tools/obtain.ts'
import type { ToolName } from '../base/versions.ts'
import { restartWithBinary, upgradeStargz } from '../upgrade/stargz-step.ts'
import type { UpgradeComponent } from '../upgrade/version-set.ts'
import { UNITS, waitForHealthy, waitForPort } from './dragonfly.ts'

export async function upgradeLocal(
  config: Config,
  nodes: Node[],
  component: UpgradeComponent,
  version: string,
  log: (l: string) => void,
): Promise<void> {
  if (component === 'manager' || component === 'chart')
    throw new Error(`the local profile deploys no ${component}`)
  const stepMs = config.stepTimeoutMinutes * 60_000
  const tool = await obtainTool(
    component as ToolName,
    { ...config, toolVersions: { ...config.toolVersions, [component]: version } },
    { log },
  )
  const cp = nodes.find((n) => n.role === 'control-plane')!
  const workers = nodes.filter((n) => n.role === 'worker')
  const one = (node: Node, target: string, unit: string, ready: () => Promise<void>) =>
    restartWithBinary(
      node,
      { local: tool.binary, target, unit, what: `${component} ${version}` },
      ready,
      stepMs,
      log,
    )
  if (component === 'stargz') await upgradeStargz(config, workers, tool.binary, version, log)
  if (component === 'dfdaemon') {
    await one(cp, '/usr/local/bin/dfdaemon', UNITS.seed, () => waitForHealthy(cp, stepMs))
    for (const w of workers)
      await one(w, '/usr/local/bin/dfdaemon', UNITS.client, () => waitForHealthy(w, stepMs))
  }
  if (component === 'scheduler')
    await one(cp, '/usr/local/bin/scheduler', UNITS.scheduler, () =>
      waitForPort(cp.ip, SCHEDULER_PORTS.grpc, 'the scheduler gRPC port', stepMs),
    )
}
