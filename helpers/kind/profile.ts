// The kind profile: the integration guide's flow on a real kind cluster. Nodes are kind's containers
// (Docker), Dragonfly comes from its Helm chart, and readiness is read through the Kubernetes API.
// Every command line comes from commands.ts and every file from files.ts, which the dry-run plan
// (plan.ts) prints without running anything.
import { existsSync, realpathSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { ensureNetwork, removeLabelled } from '../docker.ts'
import { debian } from '../local/rootfs-image.ts'
import { ensureDebianRegistryImage } from '../local/registry-image.ts'
import { registryImage } from '../registry.ts'
import { run, type RunOptions, type RunResult } from '../exec.ts'
import { loudNote } from '../run-context.ts'
import { exec as nodeExec, sh, type Node } from '../node.ts'
import type { PreflightProblem, Profile } from '../profile.ts'
import {
  CHART_COMPONENTS,
  DRAGONFLY_NAMESPACE,
  DRAGONFLY_RELEASE,
  chartPodLabels,
  helmValues,
  labelSelector,
  type ChartImage,
  peerService,
} from '../render/index.ts'
import { obtainTool } from '../tools/obtain.ts'
import type { ObtainedTool } from '../tools/types.ts'
import type { ToolName } from '../versions.ts'
import { waitFor } from '../wait.ts'
import {
  KIND_NETWORK,
  NAMED_BINARIES,
  commandLine,
  NAT_EXEMPTION_MARK,
  ipv4Subnet,
  natExemption,
  nodeImageCommands,
  podmanVersion,
  registryHostsLine,
  registryIpCommand,
  copyIntoNode,
  docker,
  helm,
  kind,
  kube as kubectlCmd,
  podProxyPath,
  type Command,
  type KindContext,
} from './commands.ts'
import { chartIsDirectory, kindConfigFile, managerBackendsFile, peerServiceFile, valuesFile } from './files.ts'
import { ensureKindNodeImage } from './node-image/build.ts'
import { kindNodeRecipe } from './node-image/recipe.ts'
import { supplyWorkloadImages } from './workload-images-build.ts'
import { KIND_NODE_IMAGE_ENV, kindNodeImage, localImageRef, registryImagePin, workloadImageRefs } from './images.ts'
import { kubeFrom, listPods, waitForNodesReady, waitForReplacedPods, waitForWorkloads, type Kube } from './k8s.ts'
import { kindLayout } from './layout.ts'
import { collectKindDiagnostics } from './diagnostics.ts'
import { runImageAsPods } from './cri-run.ts'
import { FILE_LOG_SCRIPT, clientLogSource, linesSince, toSinceTime } from './logs.ts'
import { parseKindNodes, parseNodeInfo, sortNodes } from './nodes.ts'
import { bindable, fuseOnDockerHost, kindPreflight, type KindTool } from './preflight.ts'
import { componentStatuses, endpointsFromSlices, podOn } from './readiness.ts'
import { resetCommands, resetWorkload, targetOfDaemonSet, targetOfStatefulSet } from './reset.ts'

/** Where nerdctl goes in every node (helpers/image/nerdctl.ts runs it from there). */
export const NERDCTL_PATH = '/usr/local/bin/nerdctl'

const NAMING = { release: DRAGONFLY_RELEASE }
const imageName = (i: ChartImage): string => `${i.repository}:${i.tag}`
const selectorOf = (component: string) => labelSelector(chartPodLabels(NAMING, component))

/** Whether teardown deletes the cluster: not when it is to be kept or reused by the next run. */
export function deletesClusterOnTeardown(config: Pick<Config, 'keep' | 'reuseCluster'>): boolean {
  return !config.keep && !config.reuseCluster
}

export function kindProfile(config: Config, onTool: (t: ObtainedTool) => void = () => {}): Profile {
  const layout = kindLayout(config)
  const stepMs = config.stepTimeoutMinutes * 60_000
  const values = helmValues(config)
  // One resolution per tool per run (concurrent callers share it); a failure is not remembered.
  const tools = new Map<ToolName, Promise<ObtainedTool>>()
  let kubeClient: Kube | undefined

  function tool(name: ToolName, log: (l: string) => void = () => {}): Promise<ObtainedTool> {
    let t = tools.get(name)
    if (!t) {
      t = obtainTool(name, config, { log }).then((o) => (onTool(o), o))
      t.catch(() => tools.delete(name))
      tools.set(name, t)
    }
    return t
  }

  async function context(): Promise<KindContext> {
    // one after another: a build (when no download is possible) must not compete with another
    const k = await tool('kind')
    const h = await tool('helm')
    const c = await tool('kubectl')
    return { config, bin: { kind: k.binary, helm: h.binary, kubectl: c.binary }, layout }
  }

  const kube = (): Kube => (kubeClient ??= kubeFrom(layout.kubeconfig))

  const exec = (c: Command, opts: Omit<RunOptions, 'timeoutMs'> = {}): Promise<RunResult> =>
    run(c.file, c.args, { timeoutMs: c.timeoutMs, ...opts })

  async function clusterExists(ctx: KindContext): Promise<boolean> {
    return parseKindNodes((await exec(kind.getClusters(ctx))).stdout).includes(config.clusterName)
  }

  const engine = config.kindProvider
  const runId = (): string => process.env.D7Y_RUN_ID ?? 'adhoc'

  async function kindNodes(ctx: KindContext): Promise<Node[]> {
    const containers = parseKindNodes((await exec(kind.getNodes(ctx))).stdout)
    const nodes = await Promise.all(
      containers.map(async (c) => ({
        ...parseNodeInfo(c, (await exec(docker.nodeInfo(c, engine))).stdout),
        engine,
        runsKubernetes: true,
      })),
    )
    return sortNodes(nodes)
  }

  /**
   * The node image: the override, the pinned kindest/node when the provider has it or can pull it,
   * else (podman, no registry reachable) the suite's offline build of a node image, said out loud.
   */
  async function resolveNodeImage(log: (l: string) => void): Promise<string> {
    const pinned = kindNodeImage(config)
    if (process.env[KIND_NODE_IMAGE_ENV]?.trim()) return pinned
    if ((await exec(nodeImageCommands.exists(engine, pinned), { allowFailure: true })).exitCode === 0) return pinned
    const pull = await exec(nodeImageCommands.pull(engine, pinned), { allowFailure: true })
    if (pull.exitCode === 0) return pinned
    const reason = pull.stderr.trim().split('\n').pop() ?? `exit ${pull.exitCode}`
    if (engine !== 'podman')
      throw new Error(`kind node image ${pinned} cannot be pulled (${reason})`)
    log(`OFFLINE: ${pinned} cannot be pulled (${reason}): using the suite's node image built from Debian packages and the suite's binaries (helpers/kind/node-image)`)
    const built = await ensureKindNodeImage(kindNodeRecipe(debian()), {
      cacheDir: config.cacheDir,
      workDir: path.join(config.cacheDir, 'kind-node-build'),
      log,
    })
    log(`${built.built ? 'built' : 'cached'}: ${built.ref}`)
    loudNote(`kind node image: ${pinned} could not be pulled; the nodes run the suite's offline build ${built.ref} (same Kubernetes version, built from the package registries)`)
    return built.ref
  }

  /**
   * Under another engine than Docker (podman) the nodes cannot resolve the registry's name: Docker's
   * DNS serves only Docker's containers. Each node's /etc/hosts gets it (containerd, nerdctl and the
   * snapshotter resolve there); the chart's pods get it as hostAliases (values).
   */
  async function registryAlias(): Promise<{ ip: string; hostnames: string[] } | undefined> {
    if (engine === 'docker') return undefined
    const ip = (await exec(registryIpCommand(config.registryName))).stdout.trim()
    return { ip, hostnames: [config.registryName] }
  }

  const imagePresent = async (ref: string): Promise<boolean> =>
    (await exec(docker.imageInspect(localImageRef(ref)), { allowFailure: true })).exitCode === 0

  async function podFor(component: string, node?: string) {
    const pod = podOn(await listPods(kube(), DRAGONFLY_NAMESPACE, selectorOf(component)), component, node)
    const name = pod?.metadata?.name
    if (!name) throw new Error(`no ${component} pod${node ? ` on ${node}` : ''} in ${DRAGONFLY_NAMESPACE}`)
    return name
  }

  /** dfdaemon's log of one pod: stdout for console clients, the log file otherwise. */
  async function dfdaemonLog(
    component: string,
    container: string,
    console: boolean,
    node: Node | undefined,
    since?: string,
  ): Promise<string> {
    const ctx = await context()
    const pod = await podFor(component, node?.name)
    if (clientLogSource(config.toolVersions.dfdaemon, console) === 'stdout')
      return (await exec(kubectlCmd.logs(ctx, pod, container, since ? { sinceTime: toSinceTime(since) } : {})))
        .stdout
    // Older clients: the file, on the node when the chart mounts it from the host, else in the pod.
    let text = node ? (await sh(node, FILE_LOG_SCRIPT)).stdout : ''
    if (!text.trim()) text = (await exec(kubectlCmd.exec(ctx, pod, container, ['sh', '-c', FILE_LOG_SCRIPT]))).stdout
    return since ? linesSince(text, since) : text
  }

  async function metrics(component: string, node?: string): Promise<string> {
    const ctx = await context()
    const pod = await podFor(component, node)
    const port = values.client.config.metrics.server.port
    return (await exec(kubectlCmd.raw(ctx, podProxyPath(DRAGONFLY_NAMESPACE, pod, port, 'metrics')))).stdout
  }

  async function peerServiceEndpoints(): Promise<{ node: string; ip: string }[]> {
    const slices = await kube().discovery.listNamespacedEndpointSlice({
      namespace: DRAGONFLY_NAMESPACE,
      labelSelector: `kubernetes.io/service-name=${peerService(config).metadata.name}`,
    })
    return endpointsFromSlices(slices.items)
  }

  return {
    name: 'kind',

    async preflight(): Promise<PreflightProblem[]> {
      const nodeImage = kindNodeImage(config)
      return kindPreflight(
        {
          clusterName: config.clusterName,
          reuseCluster: config.reuseCluster,
          nodeImage,
          toolVersions: config.toolVersions,
          provider: engine,
        },
        {
          docker: async () => {
            const r = await exec(docker.serverVersion(), { allowFailure: true }).catch(() => undefined)
            return r?.exitCode === 0 ? r.stdout.trim() : undefined
          },
          tool: (t: KindTool) =>
            tool(t).then(
              (o) => ({ version: o.version }),
              (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
            ),
          // only kind is needed to list clusters (helm or kubectl may be among the problems)
          clusterExists: async () =>
            clusterExists({ config, layout, bin: { ...NAMED_BINARIES, kind: (await tool('kind')).binary } }),
          portFree: (port) => bindable(port),
          fuse: () => fuseOnDockerHost(),
          commandExists: async (name) =>
            (await run('sh', ['-c', `command -v ${name}`], { allowFailure: true })).exitCode === 0,
          root: () => process.getuid?.() === 0,
          podman: async () => {
            const r = await exec(podmanVersion(), { allowFailure: true })
            return r.exitCode === 0 ? r.stdout.trim() : undefined
          },
          pathExists: async (p) => existsSync(p),
          podmanUlimits: async () => {
            const conf = await readFile('/etc/containers/containers.conf', 'utf8').catch(() => '')
            return /^\s*default_ulimits\s*=.*nproc=/m.test(conf)
          },
          image: async (ref) => {
            if (await imagePresent(ref)) return { ok: true }
            const pull = docker.pull(ref)
            const r = await exec(pull, { allowFailure: true })
            return r.exitCode === 0
              ? { ok: true }
              : { ok: false, reason: r.stderr.trim().split('\n').pop() || `exit ${r.exitCode}` }
          },
        },
      )
    },

    async createCluster(log) {
      const ctx = await context()
      await mkdir(layout.dir, { recursive: true })
      if (await clusterExists(ctx)) {
        if (!config.reuseCluster)
          throw new Error(
            `a kind cluster named ${config.clusterName} already exists: set D7Y_REUSE_CLUSTER=true to reuse it, or delete it with: kind delete cluster --name ${config.clusterName}`,
          )
        log(`reusing kind cluster ${config.clusterName}`)
        await exec(kind.exportKubeconfig(ctx))
      } else {
        const nodeImage = await resolveNodeImage(log)
        await writeFile(layout.kindConfig, kindConfigFile(config, nodeImage))
        const create = kind.createCluster(ctx, nodeImage)
        log(commandLine(create))
        await exec(create, { onLine: log })
      }
      await waitForNodesReady(kube(), config.workers + 1, stepMs)
      const nodes = await kindNodes(ctx)
      const workers = nodes.filter((n) => n.role === 'worker').length
      if (workers !== config.workers)
        throw new Error(
          `kind cluster ${config.clusterName} has ${workers} workers, the configuration asks for ${config.workers} (D7Y_WORKERS): delete it or set D7Y_WORKERS=${workers}`,
        )
      log(`nodes: ${nodes.map((n) => `${n.name} (${n.role}, ${n.ip})`).join(', ')}`)
      // podman's kind network is not Docker's: the registry and test containers (Docker) get a
      // Docker network of the same name; traffic between the two bridges is routed by this host.
      if (engine !== 'docker') {
        await ensureNetwork(KIND_NETWORK, runId())
        const from = ipv4Subnet((await exec(natExemption.podmanSubnets())).stdout)
        const to = ipv4Subnet((await exec(natExemption.dockerSubnets())).stdout)
        if (!from || !to) throw new Error(`no IPv4 subnet on podman's or Docker's ${KIND_NETWORK} network`)
        if ((await exec(natExemption.check(from, to), { allowFailure: true })).exitCode !== 0) {
          // rules of kept or interrupted earlier clusters point at networks that are gone
          await exec(natExemption.removeAll(), { allowFailure: true })
          await exec(natExemption.insert(from, to))
        }
        log(`${from} → ${to} not masqueraded: the origin sees each node's own address`)
      }
      return { nodes, network: KIND_NETWORK }
    },

    async prepareNodes(nodes, log) {
      // kind nodes ship containerd (and ctr); nerdctl is the one tool the chapters add.
      const nerdctl = await tool('nerdctl', log)
      for (const node of nodes) {
        for (const c of copyIntoNode(node.container, engine === 'podman' ? realpathSync(nerdctl.binary) : nerdctl.binary, NERDCTL_PATH, engine)) await exec(c)
        log(`${node.name}: ${(await nodeExec(node, [NERDCTL_PATH, '--version'])).stdout.trim()}`)
      }
    },

    async registryImage(log) {
      const pin = registryImagePin(config)
      if (await imagePresent(pin.pull)) {
        if (pin.pull !== pin.ref) await exec(docker.tag(pin.pull, pin.ref))
        return pin.ref
      }
      // pulled by digest when possible, else Debian's build of the same program (said in `log`)
      const ref = await registryImage(pin.pull, ensureDebianRegistryImage, log)
      if (ref === pin.pull && pin.pull !== pin.ref) await exec(docker.tag(pin.pull, pin.ref))
      return ref === pin.pull ? pin.ref : ref
    },

    async deployDragonfly(nodes, registryHost, log) {
      const ctx = await context()
      const supplied = await supplyWorkloadImages(
        { manager: imageName(values.manager.image), scheduler: imageName(values.scheduler.image), client: imageName(values.client.image) },
        config,
        path.join(config.cacheDir, 'rootfs'),
        log,
      )
      for (const i of supplied.images) log(`image ${i.ref}: ${i.source}`)
      const ours = supplied.images
        .filter((i) => i.source.startsWith('built here') && i.ref !== supplied.services)
        .map((i) => i.ref)
      if (ours.length)
        loudNote(`images the chart runs that are the suite's builds, not the published ones (no registry reachable): ${ours.join(', ')}`)
      await mkdir(layout.dir, { recursive: true })
      // Archives loaded into the nodes' containerd (any provider: kind streams them to `ctr import`).
      // Dragonfly's images go everywhere; MariaDB/Redis only where they are scheduled.
      const dragonfly = workloadImageRefs(config)
      const controlPlane = nodes.filter((n) => n.role === 'control-plane').map((n) => n.name)
      for (const [name, refs, onNodes] of [
        ['dragonfly', dragonfly, undefined],
        ['manager-backends', [supplied.services], controlPlane],
      ] as const) {
        const archive = path.join(layout.dir, `${name}-images.tar`)
        await exec(docker.save(archive, [...refs]))
        log(`kind load image-archive: ${refs.join(', ')}${onNodes ? ` (on ${onNodes.join(', ')})` : ''}`)
        await exec(kind.loadArchive(ctx, archive, onNodes))
        await rm(archive, { force: true })
      }
      const alias = await registryAlias()
      if (alias) {
        for (const node of nodes)
          await exec(docker.exec(node.container, ['sh', '-ec', registryHostsLine(alias)], undefined, engine))
        log(`${alias.hostnames[0]} → ${alias.ip} in every node's /etc/hosts and the chart's hostAliases`)
      }
      await writeFile(layout.managerBackends, managerBackendsFile(supplied.services))
      await exec(kubectlCmd.apply(ctx, layout.managerBackends))
      await waitForWorkloads(kube(), DRAGONFLY_NAMESPACE, stepMs, log)
      await writeFile(layout.values, valuesFile(config, registryHost, alias))
      if (chartIsDirectory(config)) await exec(helm.dependencyUpdate(ctx, config.chartPath!))
      const install = helm.upgradeInstall(ctx)
      log(commandLine(install))
      // the release status; the chart's NOTES (port-forward how-tos) are not for this log
      let notes = false
      await exec(install, { onLine: (l) => (notes ||= l.startsWith('NOTES:')) || log(l) })
      const ready = await waitForWorkloads(kube(), DRAGONFLY_NAMESPACE, stepMs, log)
      log(`ready: ${ready.map((w) => `${w.kind}/${w.name}`).join(', ')}`)
      await writeFile(layout.peerService, peerServiceFile(config))
      await exec(kubectlCmd.apply(ctx, layout.peerService))
      // The chapter judges the endpoints; this only gives the EndpointSlice controller its moment.
      const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.name)
      await waitFor(
        `peer Service endpoints on ${workers.join(', ')}`,
        async () => {
          const eps = await peerServiceEndpoints()
          return workers.every((w) => eps.some((e) => e.node === w))
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      ).catch((err: Error) => log(err.message))
    },

    async dragonflyStatus(nodes) {
      const pods = await listPods(kube(), DRAGONFLY_NAMESPACE)
      return componentStatuses(
        pods,
        nodes.filter((n) => n.role === 'worker').map((n) => n.name),
      )
    },

    peerServiceEndpoints,

    clientLogs: (node, since) =>
      dfdaemonLog(CHART_COMPONENTS.client, 'client', values.client.config.console, node, since),
    seedLogs: (since) =>
      dfdaemonLog(CHART_COMPONENTS.seedClient, 'seed-client', values.seedClient.config.console, undefined, since),
    clientMetrics: (node) => metrics(CHART_COMPONENTS.client, node.name),
    seedMetrics: () => metrics(CHART_COMPONENTS.seedClient),

    async resetDragonfly(nodes) {
      const ctx = await context()
      const k = kube()
      // The scheduler forgets every peer and task with its pods (its state is in memory).
      const schedulerSelector = selectorOf(CHART_COMPONENTS.scheduler)
      const schedulers = await listPods(k, DRAGONFLY_NAMESPACE, schedulerSelector)
      await exec(resetCommands.deletePods(ctx, schedulerSelector))
      await waitForReplacedPods(
        k,
        DRAGONFLY_NAMESPACE,
        schedulerSelector,
        new Set(schedulers.map((p) => p.metadata?.uid ?? '')),
        schedulers.length,
        stepMs,
      )
      const seeds = await k.apps.listNamespacedStatefulSet({
        namespace: DRAGONFLY_NAMESPACE,
        labelSelector: selectorOf(CHART_COMPONENTS.seedClient),
      })
      for (const st of seeds.items)
        await resetWorkload(k, ctx, targetOfStatefulSet(st, 'seed-client'), nodes, stepMs)
      const clients = await k.apps.listNamespacedDaemonSet({
        namespace: DRAGONFLY_NAMESPACE,
        labelSelector: selectorOf(CHART_COMPONENTS.client),
      })
      for (const ds of clients.items) await resetWorkload(k, ctx, targetOfDaemonSet(ds, 'client'), nodes, stepMs)
      await waitForWorkloads(k, DRAGONFLY_NAMESPACE, stepMs)
    },

    stargzBinary: async () => (await tool('stargz')).binary,

    async collectDiagnostics(dir) {
      await collectKindDiagnostics(dir, config)
    },

    runAsPods: (workers, ref, args, log) => runImageAsPods(config, workers, ref, args, log),

    async teardown(runId) {
      const removed: string[] = []
      if (deletesClusterOnTeardown(config)) {
        const ctx = await context()
        if (await clusterExists(ctx)) {
          await exec(kind.deleteCluster(ctx))
          removed.push(`kind cluster ${config.clusterName}`)
        }
        if (engine !== 'docker') {
          await exec(natExemption.removeAll(), { allowFailure: true })
          removed.push(`host NAT exemption ${NAT_EXEMPTION_MARK}`)
        }
      }
      removed.push(...(await removeLabelled(runId)))
      return removed
    },
  }
}
