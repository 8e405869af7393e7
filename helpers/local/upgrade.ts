// An upgrade in place on the local profile, the way an operator of plain nodes does it: the new
// binary moved over the old one (a running binary cannot be overwritten, a rename can), the unit
// restarted, and the component awaited until it serves again, one node at a time.
import type { Config } from '../config.ts'
import { copyTo, exec, systemctl, type Node } from '../node.ts'
import { SCHEDULER_PORTS } from '../render/index.ts'
import { STARGZ_PATHS as RENDERED_STARGZ_PATHS } from '../render/ports.ts'
import { STARGZ_PATHS, STARGZ_UNIT, waitForStargzPlugin } from '../stargz/install.ts'
import { obtainTool } from '../tools/obtain.ts'
import type { ToolName } from '../versions.ts'
import type { UpgradeComponent } from '../upgrade/version-set.ts'
import { UNITS, restartCount, untilReady, waitForHealthy, waitForPort } from './dragonfly.ts'

async function replaceBinary(node: Node, local: string, target: string): Promise<void> {
  await copyTo(node, local, `${target}.new`)
  await exec(node, ['chmod', '0755', `${target}.new`])
  await exec(node, ['mv', '-f', `${target}.new`, target])
}

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
  const one = async (node: Node, target: string, unit: string, ready: () => Promise<void>) => {
    log(`${node.name}: ${unit} → ${component} ${version}`)
    await replaceBinary(node, tool.binary, target)
    const restarts = await restartCount(node, unit)
    await systemctl(node, 'restart', unit)
    await untilReady(node, unit, `${component} ${version}`, () => ready(), stepMs, restarts)
  }
  if (component === 'stargz')
    for (const w of workers) {
      // A running FUSE manager keeps serving with the binary it started from; the new file is what
      // the next manager start (a node restart) runs. Restarting the manager would drop every mount.
      if (config.stargzFuseManager) await replaceBinary(w, tool.binary, RENDERED_STARGZ_PATHS.fuseManager)
      await one(w, STARGZ_PATHS.binary, STARGZ_UNIT, () => waitForStargzPlugin(w, stepMs))
    }
  if (component === 'dfdaemon') {
    // the seed peer first, then the clients one by one: a rolling update
    await one(cp, '/usr/local/bin/dfdaemon', UNITS.seed, () => waitForHealthy(cp, stepMs))
    for (const w of workers)
      await one(w, '/usr/local/bin/dfdaemon', UNITS.client, () => waitForHealthy(w, stepMs))
  }
  if (component === 'scheduler')
    await one(cp, '/usr/local/bin/scheduler', UNITS.scheduler, () =>
      waitForPort(cp.ip, SCHEDULER_PORTS.grpc, 'the scheduler gRPC port', stepMs),
    )
}
