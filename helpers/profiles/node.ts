// Operations inside one node, whatever made it: kind workers and local-profile nodes are containers
// running systemd + containerd (`docker exec` / `docker cp`, podman's for kind's podman provider); a
// node of a cluster the suite did not create is reached through the suite's agent pod on it
// (node-access.ts). The node carries how it is reached; nothing here asks which profile made it.
import { readFile as readLocalFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { dockerCp, dockerExec, type ContainerEngine } from './docker.ts'
import { keptExecArgs, keptOutput, rereadArgs } from './agent-output.ts'
import { agentCopyArgs, type AgentAccess } from './node-access.ts'
import { CommandError, run, type RunOptions, type RunResult } from '../base/exec.ts'
import { waitFor } from '../base/wait.ts'

export interface Node {
  /** name used in reports, e.g. worker-1 */
  name: string
  /** the Docker container that is the node */
  container: string
  role: 'control-plane' | 'worker'
  /** address on the run's Docker network */
  ip: string
  /** the CLI that reaches the container (absent: docker) */
  engine?: ContainerEngine
  /** its containerd also serves a kubelet (kind): resets must keep the cluster's own images */
  runsKubernetes?: boolean
  /** reached through the suite's agent pod (a cluster it did not create); absent: the container */
  access?: AgentAccess
}

export function exec(node: Node, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (node.access) return agentExec(node.access, argv, opts)
  return dockerExec(node.container, argv, opts, node.engine)
}

/** Reads of kept output after a short one, before the command is reported as unreadable. */
const REREADS = 3
let execCount = 0

/** `argv` through the agent, its output checked whole (agent-output.ts). */
async function agentExec(access: AgentAccess, argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const id = `${process.pid}-${Date.now()}-${++execCount}`
  const stdin = opts.input !== undefined
  const first = await run(access.kubectl, keptExecArgs(access, id, argv, stdin), {
    ...opts,
    binary: true,
    allowFailure: true,
  })
  // killed on its deadline, or kubectl itself failed (no pod, no API): nothing was kept to read
  if (first.exitCode === -1 || (first.exitCode !== 0 && !first.stdoutBytes?.length)) {
    if (opts.allowFailure)
      return { ...first, stdout: opts.binary ? '' : (first.stdoutBytes ?? '').toString() }
    throw new CommandError({ ...first, stdout: '' }, first.exitCode === -1)
  }
  const whole = (x: RunResult) =>
    keptOutput(x.stdoutBytes ?? Buffer.alloc(0), x.stderrBytes ?? Buffer.alloc(0))
  let r = first
  let kept = whole(r)
  for (let i = 0; typeof kept === 'string' && i < REREADS; i++) {
    r = await run(access.kubectl, rereadArgs(access, id, first.exitCode), {
      binary: true,
      allowFailure: true,
      timeoutMs: opts.timeoutMs,
    })
    kept = whole(r)
  }
  if (typeof kept === 'string')
    throw new Error(
      `the agent on pod ${access.pod} ran ${argv.join(' ').slice(0, 120)} (exit ${first.exitCode}) but kubectl exec delivered its output short ${REREADS + 1} times: ${kept}; kubectl: ${r.stderr.trim().slice(-300) || 'no complaint'}`,
    )
  const result: RunResult = {
    command: first.command,
    exitCode: kept.exitCode,
    stdout: opts.binary ? '' : kept.stdout.toString(),
    stderr: kept.stderr.toString(),
    ...(opts.binary ? { stdoutBytes: kept.stdout } : {}),
    durationMs: first.durationMs,
  }
  if (result.exitCode !== 0 && !opts.allowFailure) throw new CommandError(result, false)
  return result
}

export function sh(node: Node, script: string, opts?: RunOptions): Promise<RunResult> {
  return exec(node, ['sh', '-ec', script], opts)
}

export async function copyTo(node: Node, localPath: string, remotePath: string): Promise<void> {
  if (node.access) {
    // the file's bytes on stdin, its permission bits kept as `docker cp` keeps them
    const mode = ((await stat(localPath)).mode & 0o7777).toString(8).padStart(4, '0')
    await run(node.access.kubectl, agentCopyArgs(node.access, remotePath, mode), {
      input: await readLocalFile(localPath),
      timeoutMs: 5 * 60_000,
    })
    return
  }
  await exec(node, ['mkdir', '-p', path.posix.dirname(remotePath)])
  await dockerCp(localPath, `${node.container}:${remotePath}`, node.engine)
}

export async function writeFile(
  node: Node,
  remotePath: string,
  content: string,
  mode = '0644',
): Promise<void> {
  await exec(node, ['mkdir', '-p', path.posix.dirname(remotePath)])
  await exec(node, ['sh', '-c', `cat > "$1" && chmod ${mode} "$1"`, 'write', remotePath], { input: content })
}

export async function readFile(node: Node, remotePath: string): Promise<string> {
  return (await exec(node, ['cat', remotePath])).stdout
}

export async function fileExists(node: Node, remotePath: string): Promise<boolean> {
  return (await exec(node, ['test', '-e', remotePath], { allowFailure: true })).exitCode === 0
}

export async function systemctl(node: Node, ...args: string[]): Promise<RunResult> {
  return exec(node, ['systemctl', ...args], { timeoutMs: 3 * 60_000 })
}

/** Waits until systemd inside the node has finished booting (running or degraded). */
export async function waitForSystemd(node: Node, timeoutMs: number): Promise<void> {
  await waitFor(
    `systemd to finish booting in ${node.name}`,
    async () => {
      const r = await exec(node, ['systemctl', 'is-system-running'], { allowFailure: true })
      const state = r.stdout.trim()
      return state === 'running' || state === 'degraded'
    },
    { timeoutMs },
  )
}

/** The journal of one unit as text (JSON message lines with the syslog-style prefix). */
export async function journal(node: Node, unit: string, since?: string): Promise<string> {
  const args = ['journalctl', '--no-pager', '-o', 'short-iso', '-u', unit]
  if (since) args.push('--since', since)
  return (await exec(node, args, { timeoutMs: 2 * 60_000 })).stdout
}

/**
 * The node's clock to the microsecond (journalctl --since takes fractions), to mark where a phase's
 * evidence starts in its journal: a mark in whole seconds would let the previous pull's last lines in.
 */
export async function nodeTime(node: Node): Promise<string> {
  return (await exec(node, ['date', '+%Y-%m-%d %H:%M:%S.%6N'])).stdout.trim()
}

export { run }
