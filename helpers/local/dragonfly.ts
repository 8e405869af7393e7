// Dragonfly laid out as the chart lays it out, without Kubernetes: the scheduler and the seed peer
// on the control-plane node, a dfdaemon on every worker (host network, so its proxy is the node's
// 127.0.0.1:4001). Each runs as a systemd unit; its console log goes to the node's journal.
import { copyTo, exec, journal, sh, systemctl, writeFile, type Node } from '../node.ts'
import { unitText } from '../render/format.ts'
import { waitFor } from '../wait.ts'

export const UNITS = {
  scheduler: 'dragonfly-scheduler',
  seed: 'dragonfly-seed-client',
  client: 'dragonfly-client',
} as const

export interface LocalDragonflyFiles {
  schedulerBinary: string
  dfdaemonBinary: string
  schedulerConfig: string
  seedConfig: string
  /** per worker: its dfdaemon.yaml */
  clientConfig: (worker: Node) => string
  /** extra files a dfdaemon needs beside its config (e.g. a dynconfig fallback), path -> content */
  clientExtraFiles?: (worker: Node) => Record<string, string>
  seedExtraFiles?: Record<string, string>
}

export const DRAGONFLY_DIRS = {
  config: '/etc/dragonfly',
  data: '/var/lib/dragonfly',
  cache: '/var/cache/dragonfly',
  log: '/var/log/dragonfly',
} as const

function unit(description: string, execStart: string): string {
  return unitText([
    ['Unit', [['Description', description], ['After', 'network-online.target']]],
    ['Service', [['ExecStart', execStart], ['Restart', 'always'], ['RestartSec', '2'], ['LimitNOFILE', '1048576']]],
    ['Install', [['WantedBy', 'multi-user.target']]],
  ])
}

async function installUnit(node: Node, name: string, description: string, execStart: string): Promise<void> {
  await writeFile(node, `/etc/systemd/system/${name}.service`, unit(description, execStart))
  await systemctl(node, 'daemon-reload')
  await systemctl(node, 'enable', name)
  await systemctl(node, 'restart', name)
}

async function writeFiles(node: Node, files: Record<string, string> = {}): Promise<void> {
  for (const [file, content] of Object.entries(files)) await writeFile(node, file, content)
}

export async function deployLocalDragonfly(
  controlPlane: Node,
  workers: Node[],
  files: LocalDragonflyFiles,
  timeoutMs: number,
): Promise<void> {
  await copyTo(controlPlane, files.schedulerBinary, '/usr/local/bin/scheduler')
  await copyTo(controlPlane, files.dfdaemonBinary, '/usr/local/bin/dfdaemon')
  await writeFile(controlPlane, `${DRAGONFLY_DIRS.config}/scheduler.yaml`, files.schedulerConfig)
  await installUnit(
    controlPlane,
    UNITS.scheduler,
    'Dragonfly scheduler',
    `/usr/local/bin/scheduler --config ${DRAGONFLY_DIRS.config}/scheduler.yaml`,
  )
  await waitForPort(controlPlane.ip, 8002, 'the scheduler gRPC port', timeoutMs)

  await writeFile(controlPlane, `${DRAGONFLY_DIRS.config}/seed-client/dfdaemon.yaml`, files.seedConfig)
  await writeFiles(controlPlane, files.seedExtraFiles)
  await installUnit(
    controlPlane,
    UNITS.seed,
    'Dragonfly seed peer (dfdaemon)',
    `/usr/local/bin/dfdaemon --config ${DRAGONFLY_DIRS.config}/seed-client/dfdaemon.yaml`,
  )
  await waitForHealthy(controlPlane, timeoutMs)

  for (const worker of workers) {
    await copyTo(worker, files.dfdaemonBinary, '/usr/local/bin/dfdaemon')
    await writeFile(worker, `${DRAGONFLY_DIRS.config}/dfdaemon.yaml`, files.clientConfig(worker))
    await writeFiles(worker, files.clientExtraFiles?.(worker))
    await installUnit(
      worker,
      UNITS.client,
      'Dragonfly client (dfdaemon)',
      `/usr/local/bin/dfdaemon --config ${DRAGONFLY_DIRS.config}/dfdaemon.yaml`,
    )
  }
  await Promise.all(workers.map((w) => waitForHealthy(w, timeoutMs)))
}

/** dfdaemon's health endpoint (4003 /healthy), reached on the node's address. */
export async function waitForHealthy(node: Node, timeoutMs: number): Promise<void> {
  await waitFor(
    `dfdaemon health (http://${node.ip}:4003/healthy) on ${node.name}`,
    async () => (await fetch(`http://${node.ip}:4003/healthy`, { signal: AbortSignal.timeout(3000) })).ok,
    { timeoutMs },
  )
}

export async function waitForPort(host: string, port: number, what: string, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net')
  await waitFor(
    `${what} (${host}:${port}) to accept connections`,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port, timeout: 2000 })
        const done = (ok: boolean) => {
          socket.destroy()
          resolve(ok)
        }
        socket.once('connect', () => done(true))
        socket.once('error', () => done(false))
        socket.once('timeout', () => done(false))
      }),
    { timeoutMs },
  )
}

export async function unitLog(node: Node, unitName: string, since?: string): Promise<string> {
  // dfdaemon logs to the console (journal); -o cat keeps its own line format intact.
  const args = ['journalctl', '--no-pager', '-o', 'cat', '-u', unitName]
  if (since) args.push('--since', since)
  return (await exec(node, args, { timeoutMs: 2 * 60_000 })).stdout
}

export async function metricsText(node: Node): Promise<string> {
  const res = await fetch(`http://${node.ip}:4002/metrics`, { signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`GET http://${node.ip}:4002/metrics on ${node.name}: HTTP ${res.status}`)
  return res.text()
}

/** Stops dfdaemon, wipes its storage, starts it again: the next pull finds nothing cached. */
export async function resetDfdaemon(node: Node, unitName: string, timeoutMs: number): Promise<void> {
  await systemctl(node, 'stop', unitName)
  await sh(node, `rm -rf ${DRAGONFLY_DIRS.data}/* ${DRAGONFLY_DIRS.cache}/*`)
  await systemctl(node, 'start', unitName)
  await waitForHealthy(node, timeoutMs)
}

export { journal }
