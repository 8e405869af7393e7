// Preflight: containers, volumes or networks left by an earlier run with the same cluster name
// (D7Y_KEEP, a killed run) make `docker run --name` fail half-way through creating the cluster, or
// hand this run an earlier run's containerd state. Name them, and the command that removes them,
// before anything is created.
import type { Config } from './config.ts'
import { run } from '../base/exec.ts'
import { nodeNames } from '../local/nodes.ts'
import type { PreflightProblem } from '../profiles/profile.ts'

export interface DockerNames {
  containers: string[]
  volumes: string[]
  networks: string[]
}

type NamingConfig = Pick<Config, 'profile' | 'clusterName' | 'workers' | 'registryName' | 'reuseCluster'>

/** The names this run will create (helpers/local/nodes.ts, the local profile, kind, the registry chapter). */
export function plannedNames(config: NamingConfig): DockerNames {
  // a cluster the suite did not create holds no Docker names of the run (its preflight reads the API)
  if (config.profile === 'cluster') return { containers: [], volumes: [], networks: [] }
  const nodes = nodeNames(config.clusterName, config.workers).map((n) => n.name)
  if (config.profile === 'kind')
    // kind names its node containers alike; a reused cluster's nodes are meant to be there
    return {
      containers: [...(config.reuseCluster ? [] : nodes), config.registryName],
      volumes: [],
      networks: [],
    }
  return {
    containers: [...nodes, config.registryName],
    volumes: nodes.flatMap((n) => [`${n}-containerd`, `${n}-stargz`]),
    networks: [`${config.clusterName}-net`],
  }
}

/** The planned names that already exist, with one command that removes them. */
export function leftoverProblems(config: NamingConfig, existing: DockerNames): PreflightProblem[] {
  const planned = plannedNames(config)
  const taken = (kind: keyof DockerNames) => planned[kind].filter((n) => existing[kind].includes(n))
  const containers = taken('containers')
  const volumes = taken('volumes')
  const networks = taken('networks')
  if (!containers.length && !volumes.length && !networks.length) return []

  const kindNodes = config.profile === 'kind' ? containers.filter((c) => c !== config.registryName) : []
  const plain = containers.filter((c) => !kindNodes.includes(c))
  const commands = [
    ...(kindNodes.length ? [`kind delete cluster --name ${config.clusterName}`] : []),
    ...(plain.length ? [`docker rm -f -v ${plain.join(' ')}`] : []),
    ...(volumes.length ? [`docker volume rm ${volumes.join(' ')}`] : []),
    ...(networks.length ? [`docker network rm ${networks.join(' ')}`] : []),
  ]
  const listed = [
    containers.length ? `container(s) ${containers.join(', ')}` : '',
    volumes.length ? `volume(s) ${volumes.join(', ')}` : '',
    networks.length ? `network(s) ${networks.join(', ')}` : '',
  ].filter(Boolean)
  return [
    {
      what: `leftovers of an earlier run with the cluster name ${config.clusterName}: ${listed.join('; ')}`,
      fix:
        `remove them: ${commands.join(' && ')} (npx d7y-conformance clean removes those of every run)` +
        (kindNodes.length ? ' (or reuse that cluster: D7Y_REUSE_CLUSTER=true)' : '') +
        `, or pick another name: D7Y_CLUSTER_NAME`,
    },
  ]
}

/** What Docker has by name; nothing when Docker does not answer (preflight reports that itself). */
export async function dockerNames(): Promise<DockerNames> {
  const list = async (...args: string[]) => {
    const r = await run('docker', args, { allowFailure: true, timeoutMs: 30_000 }).catch(() => undefined)
    return r?.exitCode === 0
      ? r.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : []
  }
  const [containers, volumes, networks] = await Promise.all([
    list('ps', '-a', '--format', '{{.Names}}'),
    list('volume', 'ls', '--format', '{{.Name}}'),
    list('network', 'ls', '--format', '{{.Name}}'),
  ])
  return { containers, volumes, networks }
}

/** Preflight's check for leftovers of an earlier run. */
export async function leftovers(config: NamingConfig): Promise<PreflightProblem[]> {
  return leftoverProblems(config, await dockerNames())
}
