// The snapshotter's step of an upgrade, the same on every profile whose nodes run systemd (local,
// kind): the new binary moved over the old one on each worker (a running binary cannot be
// overwritten, a rename can), the unit restarted, and the plugin awaited until containerd sees it.
import type { Config } from '../run/config.ts'
import { restartCount, untilReady } from '../local/dragonfly.ts'
import { copyTo, exec, systemctl, type Node } from '../profiles/node.ts'
import { STARGZ_PATHS as RENDERED_STARGZ_PATHS } from '../render/ports.ts'
import { STARGZ_PATHS, STARGZ_UNIT, waitForStargzPlugin } from '../stargz/install.ts'

export async function replaceBinary(node: Node, local: string, target: string): Promise<void> {
  await copyTo(node, local, `${target}.new`)
  await exec(node, ['chmod', '0755', `${target}.new`])
  await exec(node, ['mv', '-f', `${target}.new`, target])
}

/** Replaces a unit's binary on one node, restarts the unit and waits until `ready` (a crash loop fails fast). */
export async function restartWithBinary(
  node: Node,
  binary: { local: string; target: string; unit: string; what: string },
  ready: () => Promise<void>,
  timeoutMs: number,
  log: (l: string) => void,
): Promise<void> {
  log(`${node.name}: ${binary.unit} → ${binary.what}`)
  await replaceBinary(node, binary.local, binary.target)
  const restarts = await restartCount(node, binary.unit)
  await systemctl(node, 'restart', binary.unit)
  await untilReady(node, binary.unit, binary.what, ready, timeoutMs, restarts)
}

/** The snapshotter replaced on every worker, one after the other. */
export async function upgradeStargz(
  config: Pick<Config, 'stargzFuseManager' | 'stepTimeoutMinutes'>,
  workers: Node[],
  binary: string,
  version: string,
  log: (l: string) => void,
): Promise<void> {
  const stepMs = config.stepTimeoutMinutes * 60_000
  for (const w of workers) {
    // A running FUSE manager keeps serving with the binary it started from; the new file is what
    // the next manager start (a node restart) runs. Restarting the manager would drop every mount.
    if (config.stargzFuseManager) await replaceBinary(w, binary, RENDERED_STARGZ_PATHS.fuseManager)
    await restartWithBinary(
      w,
      { local: binary, target: STARGZ_PATHS.binary, unit: STARGZ_UNIT, what: `stargz ${version}` },
      () => waitForStargzPlugin(w, stepMs),
      stepMs,
      log,
    )
  }
}
