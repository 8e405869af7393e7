// Thin wrappers over the docker CLI for what both profiles do to node containers.
// Everything the run creates carries the run label so teardown (also after Ctrl-C) can find it.
import { output, run, type RunOptions } from './exec.ts'

export const RUN_LABEL = 'd7y-conformance.run'

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

export async function containerIp(container: string, network: string): Promise<string> {
  return output('docker', [
    'inspect',
    '--format',
    `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
    container,
  ])
}

export async function dockerExec(container: string, argv: readonly string[], opts: RunOptions = {}) {
  const flags = opts.input !== undefined ? ['-i'] : []
  return run('docker', ['exec', ...flags, container, ...argv], opts)
}

export async function dockerCp(src: string, dest: string): Promise<void> {
  await run('docker', ['cp', '-L', src, dest], { timeoutMs: 5 * 60_000 })
}

export async function ensureNetwork(name: string, runId: string): Promise<void> {
  const exists = await run('docker', ['network', 'inspect', name], { allowFailure: true })
  if (exists.exitCode !== 0)
    await run('docker', ['network', 'create', '--label', `${RUN_LABEL}=${runId}`, name])
}

/** Removes every container, network and volume labelled with this run (or with any run when runId is '*'). */
export async function removeLabelled(runId: string): Promise<string[]> {
  const filter = runId === '*' ? RUN_LABEL : `${RUN_LABEL}=${runId}`
  const removed: string[] = []
  const ids = (await output('docker', ['ps', '-aq', '--filter', `label=${filter}`]))
    .split('\n')
    .filter(Boolean)
  if (ids.length) {
    await run('docker', ['rm', '-f', '-v', ...ids], { allowFailure: true })
    removed.push(...ids.map((id) => `container ${id}`))
  }
  const vols = (await output('docker', ['volume', 'ls', '-q', '--filter', `label=${filter}`]))
    .split('\n')
    .filter(Boolean)
  if (vols.length) {
    await run('docker', ['volume', 'rm', '-f', ...vols], { allowFailure: true })
    removed.push(...vols.map((v) => `volume ${v}`))
  }
  const nets = (await output('docker', ['network', 'ls', '-q', '--filter', `label=${filter}`]))
    .split('\n')
    .filter(Boolean)
  if (nets.length) {
    await run('docker', ['network', 'rm', ...nets], { allowFailure: true })
    removed.push(...nets.map((n) => `network ${n}`))
  }
  return removed
}
