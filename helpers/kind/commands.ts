// Every command line the kind profile runs, as plain values built by pure functions. The profile runs
// them (through helpers/base/exec.ts) and the dry-run plan prints them, so the two cannot drift apart.
// Tool paths come in through `Binaries`: the profile passes the obtained binaries, the plan their names.
import { quote } from '../base/exec.ts'
import { DRAGONFLY_NAMESPACE, DRAGONFLY_RELEASE } from '../render/index.ts'
import type { Config } from '../run/config.ts'
import { RUN_LABEL, type ContainerEngine } from '../profiles/docker.ts'
import { agentExecArgs, type AgentAccess } from '../profiles/node-access.ts'
import { localImageRef } from './images.ts'
import type { KindLayout } from './layout.ts'

export interface Command {
  file: string
  args: string[]
  timeoutMs?: number
}

export interface NodeTaint {
  key: string
  value: string
  effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule'
}

export interface Binaries {
  kind: string
  helm: string
  kubectl: string
}

/** What the plan prints: the tools by name, as a person would type them. */
export const NAMED_BINARIES: Binaries = { kind: 'kind', helm: 'helm', kubectl: 'kubectl' }

/** Label kind puts on its node containers with the node's role. */
export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role'
/** The Docker network kind creates and puts every node on. */
export const KIND_NETWORK = 'kind'

export interface KindContext {
  config: Pick<
    Config,
    'clusterName' | 'chartPath' | 'chartVersion' | 'versions' | 'stepTimeoutMinutes' | 'kindProvider'
  >
  bin: Binaries
  layout: KindLayout
}

/** The command as a shell line a person can paste. */
export function commandLine(c: Command): string {
  return [c.file, ...c.args].map(quote).join(' ')
}

const cmd = (file: string, args: string[], timeoutMs?: number): Command =>
  timeoutMs === undefined ? { file, args } : { file, args, timeoutMs }

const stepMs = (ctx: KindContext): number => ctx.config.stepTimeoutMinutes * 60_000

// ---- docker -------------------------------------------------------------------------------------

export const docker = {
  serverVersion: (): Command => cmd('docker', ['version', '--format', '{{.Server.Version}}'], 15_000),
  imageInspect: (ref: string): Command => cmd('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]),
  pull: (ref: string): Command => cmd('docker', ['pull', ref], 15 * 60_000),
  tag: (source: string, target: string): Command => cmd('docker', ['tag', source, target]),
  /** "<role> <ip on the kind network>" of a kind node container (podman for kind's podman provider) */
  nodeInfo: (container: string, engine: ContainerEngine = 'docker'): Command =>
    cmd(engine, [
      'inspect',
      '--format',
      `{{index .Config.Labels "${KIND_ROLE_LABEL}"}} {{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`,
      container,
    ]),
  exec: (
    container: string,
    argv: string[],
    timeoutMs?: number,
    engine: ContainerEngine = 'docker',
  ): Command => cmd(engine, ['exec', container, ...argv], timeoutMs),
  logs: (container: string, engine: ContainerEngine = 'docker'): Command =>
    cmd(engine, ['logs', container], 60_000),
  networkInspect: (name: string): Command => cmd('docker', ['network', 'inspect', name]),
  networkCreate: (name: string, runId: string): Command =>
    cmd('docker', ['network', 'create', '--label', `${RUN_LABEL}=${runId}`, name]),
  /** the API versions of the docker CLI and its daemon, "<client> <server>" (savePlatform reads them) */
  apiVersions: (): Command =>
    cmd('docker', ['version', '--format', '{{.Client.APIVersion}} {{.Server.APIVersion}}'], 30_000),
  /**
   * one archive of images for `kind load image-archive` (works for every kind provider); with a
   * platform, only that platform's content (savePlatform says when)
   */
  save: (archive: string, refs: string[], platform?: string): Command =>
    cmd(
      'docker',
      ['save', ...(platform ? ['--platform', platform] : []), '-o', archive, ...refs],
      15 * 60_000,
    ),
}

/**
 * The node image through the provider's CLI. podman resolves no short names without a configured
 * search registry, so a Docker Hub reference is pulled fully qualified.
 */
export const nodeImageCommands = {
  exists: (engine: ContainerEngine, ref: string): Command =>
    engine === 'podman' ? cmd('podman', ['image', 'exists', ref]) : docker.imageInspect(localImageRef(ref)),
  pull: (engine: ContainerEngine, ref: string): Command =>
    cmd(engine, ['pull', engine === 'podman' ? qualified(ref) : ref], 15 * 60_000),
}

/** podman's version: does it run at all (kind's podman provider) */
export const podmanVersion = (): Command =>
  cmd('podman', ['version', '--format', '{{.Client.Version}}'], 15_000)

/** `kindest/node:x` → `docker.io/kindest/node:x`; references with a registry host stay. */
export function qualified(ref: string): string {
  const first = ref.split('/')[0]!
  const hasHost = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  return hasHost ? ref : `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`
}

/** The origin registry's address on the kind network (Docker). */
export function registryIpCommand(registryName: string): Command {
  return cmd('docker', [
    'inspect',
    '--format',
    `{{(index .NetworkSettings.Networks "${KIND_NETWORK}").IPAddress}}`,
    registryName,
  ])
}

/**
 * The origin tells nodes apart by their source address (its access log is the per-node evidence).
 * podman masquerades what leaves its network, so traffic from podman's kind network to Docker's
 * would reach the registry from one gateway address: this host NAT rule (inserted first, marked
 * with NAT_EXEMPTION_MARK, removed at teardown) lets it through with the nodes' own addresses.
 */
export const NAT_EXEMPTION_MARK = 'd7y-conformance-origin-sees-node-addresses'

export const natExemption = {
  podmanSubnets: (): Command =>
    cmd('podman', ['network', 'inspect', KIND_NETWORK, '--format', '{{range .Subnets}}{{.Subnet}} {{end}}']),
  dockerSubnets: (): Command =>
    cmd('docker', [
      'network',
      'inspect',
      KIND_NETWORK,
      '--format',
      '{{range .IPAM.Config}}{{.Subnet}} {{end}}',
    ]),
  rule: (from: string, to: string): string[] => [
    'POSTROUTING',
    '-s',
    from,
    '-d',
    to,
    '-m',
    'comment',
    '--comment',
    NAT_EXEMPTION_MARK,
    '-j',
    'ACCEPT',
  ],
  check: (from: string, to: string): Command =>
    cmd('iptables', ['-t', 'nat', '-C', ...natExemption.rule(from, to)]),
  insert: (from: string, to: string): Command =>
    cmd('iptables', [
      '-t',
      'nat',
      '-I',
      ...natExemption.rule(from, to).slice(0, 1),
      '1',
      ...natExemption.rule(from, to).slice(1),
    ]),
  /** every rule this suite inserted, whatever run left it */
  removeAll: (): Command =>
    cmd('sh', [
      '-c',
      `iptables -t nat -S POSTROUTING | grep -e '--comment ${NAT_EXEMPTION_MARK}' | sed 's/^-A //' | while read -r rule; do eval "iptables -t nat -D $rule"; done`,
    ]),
}

/** The first IPv4 subnet of `inspect` output listing subnets separated by spaces. */
export function ipv4Subnet(output: string): string | undefined {
  return output.split(/\s+/).find((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s))
}

/** Shell that adds one /etc/hosts entry unless the name is already there. */
export function registryHostsLine(alias: { ip: string; hostnames: string[] }): string {
  const name = alias.hostnames[0]!
  return `grep -q ' ${name}$' /etc/hosts || echo '${alias.ip} ${alias.hostnames.join(' ')}' >> /etc/hosts`
}

/** A node as a command reaches it: kind's container by name, or a node with its agent pod (cluster). */
export type NodeTarget = string | { container: string; access?: AgentAccess }

/** `argv` on a node: `docker|podman exec` into its container, or `kubectl exec` + nsenter through its agent. */
export function nodeExecCommand(
  node: NodeTarget,
  argv: string[],
  engine: ContainerEngine = 'docker',
): Command {
  if (typeof node !== 'string' && node.access)
    return cmd(node.access.kubectl, agentExecArgs(node.access, argv), 5 * 60_000)
  return docker.exec(typeof node === 'string' ? node : node.container, argv, undefined, engine)
}

/** Copies a local file into a node container (parent directory first; -L follows cache symlinks). */
export function copyIntoNode(
  container: string,
  localPath: string,
  nodePath: string,
  engine: ContainerEngine = 'docker',
): Command[] {
  const dir = nodePath.slice(0, nodePath.lastIndexOf('/')) || '/'
  return [
    docker.exec(container, ['mkdir', '-p', dir], undefined, engine),
    // podman cp has no -L: podman callers pass a path without symlinks (realpath)
    cmd(
      engine,
      ['cp', ...(engine === 'docker' ? ['-L'] : []), localPath, `${container}:${nodePath}`],
      5 * 60_000,
    ),
    docker.exec(container, ['chmod', '0755', nodePath], undefined, engine),
  ]
}

// ---- kind ---------------------------------------------------------------------------------------

export const kind = {
  getClusters: (ctx: KindContext): Command => cmd(ctx.bin.kind, ['get', 'clusters'], 60_000),
  createCluster: (ctx: KindContext, nodeImage: string): Command =>
    cmd(
      ctx.bin.kind,
      [
        'create',
        'cluster',
        '--name',
        ctx.config.clusterName,
        '--config',
        ctx.layout.kindConfig,
        '--image',
        nodeImage,
        '--kubeconfig',
        ctx.layout.kubeconfig,
      ],
      stepMs(ctx),
    ),
  exportKubeconfig: (ctx: KindContext): Command =>
    cmd(
      ctx.bin.kind,
      ['export', 'kubeconfig', '--name', ctx.config.clusterName, '--kubeconfig', ctx.layout.kubeconfig],
      60_000,
    ),
  getNodes: (ctx: KindContext): Command =>
    cmd(ctx.bin.kind, ['get', 'nodes', '--name', ctx.config.clusterName], 60_000),
  loadArchive: (ctx: KindContext, archive: string, nodes?: readonly string[]): Command =>
    cmd(
      ctx.bin.kind,
      [
        'load',
        'image-archive',
        archive,
        '--name',
        ctx.config.clusterName,
        ...(nodes?.length ? ['--nodes', nodes.join(',')] : []),
      ],
      stepMs(ctx),
    ),
  exportLogs: (ctx: KindContext, dir: string): Command =>
    cmd(ctx.bin.kind, ['export', 'logs', dir, '--name', ctx.config.clusterName], 10 * 60_000),
  deleteCluster: (ctx: KindContext): Command =>
    cmd(
      ctx.bin.kind,
      ['delete', 'cluster', '--name', ctx.config.clusterName, '--kubeconfig', ctx.layout.kubeconfig],
      5 * 60_000,
    ),
}

// ---- helm ---------------------------------------------------------------------------------------

/** Where the chart comes from: the pinned version from the chart repository, or a local checkout. */
export function chartSource(ctx: KindContext): string[] {
  const chart = ctx.config.versions.chart
  if (ctx.config.chartPath) return [ctx.config.chartPath]
  return [chart.name, '--repo', chart.repository, '--version', ctx.config.chartVersion]
}

/** `helm upgrade` of the installed release keeping the values it has (--reuse-values), plus `extra`. */
function upgradeReusing(ctx: KindContext, extra: string[]): Command {
  return cmd(
    ctx.bin.helm,
    [
      'upgrade',
      DRAGONFLY_RELEASE,
      ...chartSource(ctx),
      '--namespace',
      DRAGONFLY_NAMESPACE,
      '--reuse-values',
      ...extra,
      '--kubeconfig',
      ctx.layout.kubeconfig,
      '--timeout',
      `${ctx.config.stepTimeoutMinutes}m`,
    ],
    stepMs(ctx),
  )
}

export const helm = {
  /** the release as Helm recorded it: which chart version and app version are installed */
  list: (ctx: KindContext): Command =>
    cmd(
      ctx.bin.helm,
      ['list', '--namespace', DRAGONFLY_NAMESPACE, '--output', 'json', '--kubeconfig', ctx.layout.kubeconfig],
      60_000,
    ),
  /**
   * An upgrade of the installed release to new image tags, as a maintainer does it: the same chart,
   * the values it was installed with (--reuse-values), one `--set` per changed key. No --wait (as above).
   */
  upgradeSet: (ctx: KindContext, sets: Record<string, string>): Command =>
    upgradeReusing(
      ctx,
      Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    ),
  /**
   * the release reconfigured as an operator does it: the values it was installed with, and on top of
   * them a values file (arrays in it replace, keys it lacks stay)
   */
  upgradeValues: (ctx: KindContext, valuesFile: string): Command =>
    upgradeReusing(ctx, ['--values', valuesFile]),
  /** a local checkout has no subcharts (mysql, redis) until its dependencies are fetched */
  dependencyUpdate: (ctx: KindContext, chartPath: string): Command =>
    cmd(ctx.bin.helm, ['dependency', 'update', chartPath], stepMs(ctx)),
  /**
   * No --wait: readiness is watched condition by condition through the API afterwards, which says
   * which workload is not ready and why instead of one timeout.
   */
  upgradeInstall: (ctx: KindContext): Command =>
    cmd(
      ctx.bin.helm,
      [
        'upgrade',
        '--install',
        DRAGONFLY_RELEASE,
        ...chartSource(ctx),
        '--namespace',
        DRAGONFLY_NAMESPACE,
        '--create-namespace',
        '--values',
        ctx.layout.values,
        '--kubeconfig',
        ctx.layout.kubeconfig,
        '--timeout',
        `${ctx.config.stepTimeoutMinutes}m`,
      ],
      stepMs(ctx),
    ),
}

// ---- kubectl ------------------------------------------------------------------------------------

export function kubectl(ctx: KindContext, args: string[], timeoutMs = 2 * 60_000): Command {
  return cmd(ctx.bin.kubectl, ['--kubeconfig', ctx.layout.kubeconfig, ...args], timeoutMs)
}

/** The API server's proxy to a pod port: works wherever the API server is reachable (Docker Desktop too). */
export function podProxyPath(namespace: string, pod: string, port: number, path: string): string {
  return `/api/v1/namespaces/${namespace}/pods/${pod}:${port}/proxy/${path.replace(/^\//, '')}`
}

export const kube = {
  apply: (ctx: KindContext, file: string): Command => kubectl(ctx, ['apply', '-f', file]),
  logs: (
    ctx: KindContext,
    pod: string,
    container: string,
    opts: { sinceTime?: string; previous?: boolean; namespace?: string } = {},
  ): Command =>
    kubectl(
      ctx,
      [
        'logs',
        '--namespace',
        opts.namespace ?? DRAGONFLY_NAMESPACE,
        pod,
        '-c',
        container,
        ...(opts.sinceTime ? [`--since-time=${opts.sinceTime}`] : []),
        ...(opts.previous ? ['--previous'] : []),
      ],
      5 * 60_000,
    ),
  raw: (ctx: KindContext, apiPath: string): Command => kubectl(ctx, ['get', '--raw', apiPath], 60_000),
  exec: (ctx: KindContext, pod: string, container: string, argv: string[]): Command =>
    kubectl(
      ctx,
      ['exec', '--namespace', DRAGONFLY_NAMESPACE, pod, '-c', container, '--', ...argv],
      5 * 60_000,
    ),
  overview: (ctx: KindContext, namespace: string): Command =>
    kubectl(ctx, ['get', 'all,pvc,endpointslices,configmaps', '--namespace', namespace, '-o', 'wide']),
  describe: (ctx: KindContext, namespace: string): Command =>
    kubectl(ctx, [
      'describe',
      'pods,deployments,statefulsets,daemonsets,services,pvc',
      '--namespace',
      namespace,
    ]),
  events: (ctx: KindContext, namespace: string): Command =>
    kubectl(ctx, ['get', 'events', '--namespace', namespace, '--sort-by=.lastTimestamp', '-o', 'wide']),
  nodes: (ctx: KindContext): Command => kubectl(ctx, ['get', 'nodes', '-o', 'wide']),
  /** a StatefulSet's replicas set, as an operator stops (0) and starts a component */
  scale: (ctx: KindContext, labelSelector: string, replicas: number): Command =>
    kubectl(ctx, [
      'scale',
      'statefulset',
      '--namespace',
      DRAGONFLY_NAMESPACE,
      '--selector',
      labelSelector,
      `--replicas=${replicas}`,
    ]),
  /** a taint on a node; with `remove`, taken off (kubectl names it by key and effect alone then) */
  taint: (ctx: KindContext, node: string, t: NodeTaint, opts: { remove?: boolean } = {}): Command =>
    kubectl(ctx, [
      'taint',
      'nodes',
      node,
      opts.remove ? `${t.key}:${t.effect}-` : `${t.key}=${t.value}:${t.effect}`,
    ]),
  /** a component's pods on one node deleted, awaited until they are gone */
  deletePodsOn: (ctx: KindContext, labelSelector: string, node: string): Command =>
    kubectl(ctx, [
      'delete',
      'pods',
      '--namespace',
      DRAGONFLY_NAMESPACE,
      '--selector',
      labelSelector,
      '--field-selector',
      `spec.nodeName=${node}`,
      '--wait=true',
    ]),
  /** a restart in place: the controllers roll their pods as for a new image (kubectl's restartedAt annotation) */
  rolloutRestart: (ctx: KindContext, kinds: string, labelSelector: string): Command =>
    kubectl(ctx, [
      'rollout',
      'restart',
      kinds,
      '--namespace',
      DRAGONFLY_NAMESPACE,
      '--selector',
      labelSelector,
    ]),
}
