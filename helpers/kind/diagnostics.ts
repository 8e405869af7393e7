// The bundle a person needs when a kind run fails, written to one directory: kind's own export
// (every node's journal, kubelet and containerd logs), every Dragonfly pod's logs including previous
// containers, `kubectl describe` and events of the namespace, each worker's stargz journal and
// containerd / snapshotter config, the origin registry's log, and metrics snapshots. Every item is
// best effort: a failure is recorded in index.json and the next item is still collected.
import type { ContainerEngine } from '../profiles/docker.ts'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig, type Config } from '../run/config.ts'
import { run } from '../base/exec.ts'
import { DFDAEMON_PORTS, DRAGONFLY_NAMESPACE, STARGZ_PATHS } from '../render/index.ts'
import { STARGZ_UNIT } from '../stargz/install.ts'
import { obtainTool } from '../tools/obtain.ts'
import {
  docker,
  kind,
  kube,
  podProxyPath,
  type Binaries,
  type Command,
  nodeExecCommand,
  type KindContext,
  type NodeTarget,
} from './commands.ts'
import { kubeFrom, listPods } from './k8s.ts'
import { kindLayout } from './layout.ts'

export interface DiagnosticsItem {
  file: string
  /** the command that produced it */
  command: string
}

/** The per-worker commands: stargz journal, containerd and snapshotter config, the plugin table. */
export function workerDiagnostics(
  node: NodeTarget,
  engine: ContainerEngine = 'docker',
): { file: string; command: Command }[] {
  const on = (argv: string[]) => nodeExecCommand(node, argv, engine)
  return [
    { file: 'stargz.journal', command: on(['journalctl', '--no-pager', '-o', 'short-iso', '-u', STARGZ_UNIT]) },
    { file: 'containerd.journal', command: on(['journalctl', '--no-pager', '-o', 'short-iso', '-u', 'containerd']) },
    { file: 'containerd-config.toml', command: on(['cat', '/etc/containerd/config.toml']) },
    { file: 'stargz-config.toml', command: on(['cat', STARGZ_PATHS.config]) },
    { file: 'ctr-plugins.txt', command: on(['ctr', 'plugin', 'ls']) },
    { file: 'mounts.txt', command: on(['cat', '/proc/mounts']) },
  ] // prettier-ignore
}

/** The namespace-wide commands. */
export function namespaceDiagnostics(ctx: KindContext): { file: string; command: Command }[] {
  return [
    { file: 'nodes.txt', command: kube.nodes(ctx) },
    { file: 'overview.txt', command: kube.overview(ctx, DRAGONFLY_NAMESPACE) },
    { file: 'describe.txt', command: kube.describe(ctx, DRAGONFLY_NAMESPACE) },
    { file: 'events.txt', command: kube.events(ctx, DRAGONFLY_NAMESPACE) },
  ]
}

export interface DiagnosticsResult {
  dir: string
  files: DiagnosticsItem[]
  errors: { item: string; error: string }[]
}

/** The tools as the run left them (PATH or cache): a failing run is no time to download or build. */
async function binaries(config: Config): Promise<Binaries> {
  const path = async (t: 'kind' | 'helm' | 'kubectl') =>
    obtainTool(t, config, { skip: ['download', 'build'] }).then(
      (o) => o.binary,
      () => t,
    )
  return { kind: await path('kind'), helm: await path('helm'), kubectl: await path('kubectl') }
}

export async function collectKindDiagnostics(
  dir: string,
  config: Config = loadConfig(),
  /** the cluster profile: its workers (reached through agents) and the origin pod's log command */
  cluster?: { workers: Exclude<NodeTarget, string>[]; registryLog: Command },
): Promise<DiagnosticsResult> {
  await mkdir(dir, { recursive: true })
  const result: DiagnosticsResult = { dir, files: [], errors: [] }
  const ctx: KindContext = { config, bin: await binaries(config), layout: kindLayout(config) }

  /** Runs `c` into `file`; `both` keeps stderr too (programs that log there, like the registry). */
  const capture = async (file: string, c: Command, both = false): Promise<string | undefined> => {
    const r = await run(c.file, c.args, { timeoutMs: c.timeoutMs ?? 2 * 60_000, allowFailure: true }).catch(
      (err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message, command: '' }),
    )
    const text = r.exitCode === 0 && !both ? r.stdout : `${r.stdout}\n${r.stderr}`
    const target = path.join(dir, file)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, text)
    result.files.push({ file, command: [c.file, ...c.args].join(' ') })
    if (r.exitCode !== 0)
      result.errors.push({
        item: file,
        error: `exit ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? ''}`,
      })
    return r.exitCode === 0 ? r.stdout : undefined
  }

  if (!cluster) await capture('kind-export.txt', kind.exportLogs(ctx, path.join(dir, 'kind-logs')))
  for (const item of namespaceDiagnostics(ctx)) await capture(item.file, item.command)

  try {
    const pods = await listPods(kubeFrom(ctx.layout.kubeconfig), DRAGONFLY_NAMESPACE)
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '?'
      const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(
        (c) => c.name,
      )
      const restarted = new Set(
        [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
          .filter((s) => s.restartCount > 0)
          .map((s) => s.name),
      )
      for (const c of containers) {
        await capture(`pods/${name}/${c}.log`, kube.logs(ctx, name, c))
        if (restarted.has(c))
          await capture(`pods/${name}/${c}.previous.log`, kube.logs(ctx, name, c, { previous: true }))
      }
      const component = pod.metadata?.labels?.component
      if (component === 'client' || component === 'seed-client')
        await capture(
          `metrics/${name}.prom`,
          kube.raw(ctx, podProxyPath(DRAGONFLY_NAMESPACE, name, DFDAEMON_PORTS.metrics, 'metrics')),
        )
    }
  } catch (err) {
    result.errors.push({ item: 'pods', error: (err as Error).message.split('\n')[0] ?? '' })
  }

  if (cluster) {
    // a cluster the suite did not create: its workers through their agent pods, the origin's pod log
    for (const node of cluster.workers)
      for (const item of workerDiagnostics(node))
        await capture(`nodes/${node.container}/${item.file}`, item.command)
    await capture('registry.log', cluster.registryLog, true)
  } else {
    const nodes = await capture('kind-nodes.txt', kind.getNodes(ctx))
    for (const container of (nodes ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter((n) => /-worker\d*$/.test(n)))
      for (const item of workerDiagnostics(container, config.kindProvider))
        await capture(`nodes/${container}/${item.file}`, item.command)
    await capture('registry.log', docker.logs(config.registryName), true)
  }

  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify(
      { collectedAt: new Date().toISOString(), cluster: config.clusterName, ...result },
      null,
      2,
    ) + '\n',
  )
  return result
}
