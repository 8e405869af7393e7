// Dragonfly laid out as the chart lays it out, without Kubernetes: the scheduler and the seed peer
// on the control-plane node, a dfdaemon on every worker (host network, so its proxy is the node's
// 127.0.0.1:4001). Each runs as a systemd unit; its console log goes to the node's journal.
import { connect } from 'node:net'
import {
  dfdaemonHostId,
  hostsUnknownToScheduler,
  schedulerKnownHosts,
  type KnownHost,
} from '../evidence/scheduler-hosts.ts'
import { textLines } from '../evidence/lines.ts'
import { copyTo, exec, journal, sh, systemctl, writeFile, type Node } from '../profiles/node.ts'
import { unitText } from '../render/format.ts'
import { waitFor } from '../base/wait.ts'

export const UNITS = {
  scheduler: 'dragonfly-scheduler',
  seed: 'dragonfly-seed-client',
  client: 'dragonfly-client',
} as const

/** One Dragonfly daemon on one node: its binary, files, and command line. */
export interface DaemonSpec {
  node: Node
  unit: string
  description: string
  /** local path of the binary, installed as /usr/local/bin/<name> */
  binary: { local: string; name: string }
  /** files written before starting: node path -> content */
  files: Record<string, string>
  args: string[]
  /** what must answer before the next daemon starts */
  ready: (timeoutMs: number) => Promise<void>
}

export const DRAGONFLY_DIRS = {
  data: '/var/lib/dragonfly',
  cache: '/var/cache/dragonfly',
} as const

function unit(description: string, execStart: string): string {
  return unitText([
    [
      'Unit',
      [
        ['Description', description],
        ['After', 'network-online.target'],
      ],
    ],
    [
      'Service',
      [
        ['ExecStart', execStart],
        ['Restart', 'always'],
        ['RestartSec', '2'],
        // dfdaemon 1.5.0 does not always exit on SIGTERM (measured 2026-12-05: a client restarted for
        // a reconfiguration hung until systemd's default 90 s ran out). A pod gets 30 s by default;
        // 15 s here keeps a reconfiguration from waiting on a hung shutdown.
        ['TimeoutStopSec', '15'],
        ['LimitNOFILE', '1048576'],
      ],
    ],
    ['Install', [['WantedBy', 'multi-user.target']]],
  ])
}

/** Installs and starts the daemons in order (scheduler, seed peer, clients), each awaited until ready. */
export async function deployDaemons(
  daemons: DaemonSpec[],
  timeoutMs: number,
  opts: { keepBinaries?: boolean } = {},
): Promise<void> {
  // In order (scheduler, seed peer, clients); each node's restarts never wait for another node's.
  const restarts = new Map<DaemonSpec, number>()
  const install = async (d: DaemonSpec) => {
    const target = `/usr/local/bin/${d.binary.name}`
    // A reconfiguration keeps the installed binary (it is running: overwriting it fails).
    if (!opts.keepBinaries) await copyTo(d.node, d.binary.local, target)
    for (const [file, content] of Object.entries(d.files)) await writeFile(d.node, file, content)
    await writeFile(
      d.node,
      `/etc/systemd/system/${d.unit}.service`,
      unit(d.description, [target, ...d.args].join(' ')),
    )
    await systemctl(d.node, 'daemon-reload')
    await systemctl(d.node, 'enable', d.unit)
    restarts.set(d, await restartCount(d.node, d.unit))
    await systemctl(d.node, 'restart', d.unit)
  }
  if (opts.keepBinaries) {
    // A reconfiguration: the scheduler keeps running, so the daemons restart side by side.
    await Promise.all(daemons.map(install))
  } else for (const d of daemons) await install(d)
  await Promise.all(
    daemons.map((d) => untilReady(d.node, d.unit, d.description, d.ready, timeoutMs, restarts.get(d))),
  )
}

/** What a unit that keeps exiting said last: its error lines from the journal, without the prefix. */
export function crashLoopMessage(
  what: string,
  restarts: number,
  journalText: string,
  unitName: string,
): string {
  const errors = [
    ...new Set(
      textLines(journalText)
        .filter((l) => /\b(error|fatal|panic)\b|unknown flag/i.test(l) && !/systemd\[\d+\]/.test(l))
        .map((l) => l.replace(/^.*?\S+\[\d+\]: /, '').trim()),
    ),
  ].slice(-3)
  return `${what} keeps exiting (systemd restarted it ${restarts} times): ${errors.join(' | ') || `see journalctl -u ${unitName}`}`
}

/** systemd restarted a unit this many times more since it was (re)started: it will not come up. */
const CRASH_LOOP_RESTARTS = 3

/** How often systemd restarted the unit on its own (Restart=always) since it was loaded. */
export async function restartCount(node: Node, unitName: string): Promise<number> {
  const r = await exec(node, ['systemctl', 'show', '-p', 'NRestarts', '--value', unitName], {
    allowFailure: true,
  })
  return Number(r.stdout.trim()) || 0
}

/**
 * `ready`, unless the unit keeps exiting first: then its own error lines, at once, instead of a wait
 * to the deadline (scheduler v2.5.0 exited on an unknown flag every 2 s while the deploy waited 20 min).
 */
export async function untilReady(
  node: Node,
  unitName: string,
  description: string,
  ready: (timeoutMs: number) => Promise<void>,
  timeoutMs: number,
  restartsBefore?: number,
): Promise<void> {
  const base = restartsBefore ?? (await restartCount(node, unitName))
  let settled = false
  const watch = waitFor(
    `${unitName} on ${node.name} to keep running`,
    async () => {
      if (settled) return true
      const n = (await restartCount(node, unitName)) - base
      if (n < CRASH_LOOP_RESTARTS) return false
      throw new Error(
        crashLoopMessage(`${description} on ${node.name}`, n, await journal(node, unitName), unitName),
      )
    },
    // past `ready`'s own deadline, so a plain timeout is reported by `ready`, in its words
    { timeoutMs: timeoutMs + 60_000, intervalMs: 2000 },
  )
  watch.catch(() => undefined)
  try {
    await Promise.race([ready(timeoutMs), watch.then(() => new Promise<void>(() => undefined))])
  } finally {
    settled = true
  }
}

/** dfdaemon's health endpoint (4003 /healthy), reached on the node's address. */
export async function waitForHealthy(node: Node, timeoutMs: number): Promise<void> {
  await waitFor(
    `dfdaemon health (http://${node.ip}:4003/healthy) on ${node.name}`,
    async () => (await fetch(`http://${node.ip}:4003/healthy`, { signal: AbortSignal.timeout(3000) })).ok,
    { timeoutMs },
  )
}

export async function waitForPort(
  host: string,
  port: number,
  what: string,
  timeoutMs: number,
): Promise<void> {
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

/** When the unit's current run started, as journalctl's --since takes it (undefined when unknown). */
export async function unitStartedAt(node: Node, unitName: string): Promise<string | undefined> {
  const r = await exec(node, ['systemctl', 'show', '-p', 'ActiveEnterTimestamp', '--value', unitName], {
    allowFailure: true,
  })
  const t = r.stdout.trim()
  return r.exitCode === 0 && t && t !== 'n/a' ? t : undefined
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

/** A dfdaemon the scheduler should know: the node it runs on and its host id. */
export interface ExpectedHost {
  name: string
  hostId: string
}

/** Every worker's dfdaemon, and the seed peer's (its host id ends in -seed). */
export function expectedHosts(nodes: Node[]): ExpectedHost[] {
  return nodes.map((n) => ({
    name: n.name,
    hostId: dfdaemonHostId(n.ip, n.name, n.role === 'control-plane'),
  }))
}

/**
 * The hosts the scheduler holds, read from its own log (see evidence/scheduler-hosts.ts). dfdaemon
 * announces itself when it starts, before its health endpoint answers, but the scheduler logs it a
 * moment later: wait up to `timeoutMs` for every expected host, then say which are missing.
 */
export async function schedulerHosts(
  schedulerNode: Node,
  expected: ExpectedHost[],
  timeoutMs: number,
): Promise<{ known: Map<string, KnownHost>; unknown: ExpectedHost[] }> {
  // Only this scheduler process's announcements: a restart forgets every host.
  const since = await unitStartedAt(schedulerNode, UNITS.scheduler)
  const read = async () => {
    const known = await schedulerKnownHosts(textLines(await unitLog(schedulerNode, UNITS.scheduler, since)))
    return { known, unknown: hostsUnknownToScheduler(known, expected) }
  }
  let last = await read()
  if (last.unknown.length === 0) return last
  await waitFor(
    `the scheduler to log an announcement of every dfdaemon host`,
    async () => (last = await read()).unknown.length === 0,
    { timeoutMs },
  ).catch(() => undefined)
  return last
}
