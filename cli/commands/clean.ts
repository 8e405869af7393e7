// clean: removes what a killed run left behind (SIGKILL, a lost machine, D7Y_KEEP=true): every
// container, volume and network carrying the suite's run label, and the kind cluster of that name
// under the given provider. Preflight refuses to start over such leftovers and names this command.
import { execFileSync } from 'node:child_process'
import { Command } from 'commander'
import { defaults } from '../../helpers/run/config.ts'
import { removeLabelledSync } from '../../helpers/profiles/docker.ts'
import { printJson } from '../io.ts'

const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster'

/** kind's node containers of one cluster under one engine, removed with their anonymous volumes. */
function removeKindNodes(engine: string, cluster: string): string[] {
  const call = (...args: string[]) => {
    try {
      return execFileSync(engine, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return '' // the engine is absent or not running: nothing of it to remove
    }
  }
  const nodes = call(
    'ps',
    '-a',
    '--filter',
    `label=${KIND_CLUSTER_LABEL}=${cluster}`,
    '--format',
    '{{.Names}}',
  )
    .split('\n')
    .filter(Boolean)
  if (nodes.length) call('rm', '-f', '-v', ...nodes)
  return nodes.map((n) => `${engine} kind node ${n}`)
}

export function cleanCommand(): Command {
  return new Command('clean')
    .description("remove every run's leftovers: labelled containers, volumes, networks, and the kind cluster")
    .option(
      '--cluster-name <name>',
      'the kind cluster to remove (D7Y_CLUSTER_NAME)',
      process.env.D7Y_CLUSTER_NAME,
    )
    .addHelpText(
      'after',
      '\nIt removes the leftovers of every run on this machine, a running one included: stop runs first.',
    )
    .action((opts: { clusterName?: string }) => {
      const cluster = opts.clusterName ?? String(defaults.clusterName)
      const removed = [
        ...removeLabelledSync('*'),
        ...removeKindNodes('docker', cluster),
        ...removeKindNodes('podman', cluster),
      ]
      printJson({ removed })
    })
}
