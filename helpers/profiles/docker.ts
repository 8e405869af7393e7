// Thin wrappers over the docker CLI for what both profiles do to node containers.
// Everything the run creates carries the run label so teardown (also after Ctrl-C) can find it.
import { execFileSync } from 'node:child_process'
import { realpath } from 'node:fs/promises'
import { output, run, type RunOptions } from '../base/exec.ts'

export const RUN_LABEL = 'd7y-conformance.run'

/** The CLI that reaches a node container: Docker, or podman for kind's podman provider (same verbs). */
export type ContainerEngine = 'docker' | 'podman'

export async function dockerReachable(): Promise<string | undefined> {
  const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], {
    allowFailure: true,
    timeoutMs: 15_000,
  }).catch(() => undefined)
  return r && r.exitCode === 0 ? r.stdout.trim() : undefined
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await run('docker', ['image', 'inspect', ref], { allowFailure: true })).exitCode === 0
}

/** The image present, or pulled now; the pull's last error line when it cannot be had. */
export async function presentOrPulled(
  ref: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (await imageExists(ref)) return { ok: true }
  const pull = await run('docker', ['pull', ref], { allowFailure: true, timeoutMs })
  if (pull.exitCode === 0) return { ok: true }
  return { ok: false, reason: pull.stderr.trim().split('\n').pop() || `docker pull exited ${pull.exitCode}` }
}

export async function containerIp(container: string, network: string): Promise<string> {
  return output('docker', [
    'inspect',
    '--format',
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
    container,
  ])
}

export async function dockerExec(
  container: string,
  argv: readonly string[],
  opts: RunOptions = {},
  engine: ContainerEngine = 'docker',
) {
  const flags = opts.input !== undefined ? ['-i'] : []
  return run(engine, ['exec', ...flags, container, ...argv], opts)
}

export async function dockerCp(src: string, dest: string, engine: ContainerEngine = 'docker'): Promise<void> {
  // -L follows a symlinked source; podman cp has no -L, so it gets the resolved path
  const args = engine === 'docker' ? ['cp', '-L', src, dest] : ['cp', await realpath(src), dest]
  await run(engine, args, { timeoutMs: 5 * 60_000 })
}

export async function ensureNetwork(name: string, runId: string): Promise<void> {
  const exists = await run('docker', ['network', 'inspect', name], { allowFailure: true })
  if (exists.exitCode !== 0)
    await run('docker', ['network', 'create', '--label', `${RUN_LABEL}=${runId}`, name])
}

/**
 * Removes every container, volume and network labelled with this run (any run when runId is '*').
 * Synchronous, so the Ctrl-C path can use it as well as the normal teardown.
 */
export function removeLabelledSync(runId: string): string[] {
  const docker = (...args: string[]) => {
    try {
      return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return ''
    }
  }
  const filter = `label=${runId === '*' ? RUN_LABEL : `${RUN_LABEL}=${runId}`}`
  const list = (...args: string[]) =>
    docker(...args)
      .split('\n')
      .filter(Boolean)
  const containers = list('ps', '-aq', '--filter', filter)
  if (containers.length) docker('rm', '-f', '-v', ...containers)
  const volumes = list('volume', 'ls', '-q', '--filter', filter)
  if (volumes.length) docker('volume', 'rm', '-f', ...volumes)
  const networks = list('network', 'ls', '-q', '--filter', filter)
  if (networks.length) docker('network', 'rm', ...networks)
  return [
    ...containers.map((c) => `container ${c}`),
    ...volumes.map((v) => `volume ${v}`),
    ...networks.map((n) => `network ${n}`),
  ]
}

export async function removeLabelled(runId: string): Promise<string[]> {
  return removeLabelledSync(runId)
}
