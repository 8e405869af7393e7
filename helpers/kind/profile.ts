// The kind profile: the integration guide's flow on a real kind cluster. Nodes are kind's containers
// (Docker), Dragonfly comes from its Helm chart, and readiness is read through the Kubernetes API.
// Its own steps (cluster, node tools, registry image, Dragonfly, peer Service, teardown) are flow.ts's,
// run here with a live StepIO and printed by the dry-run plan (plan.ts) from the same code.
import { existsSync, realpathSync } from 'node:fs'
import { capBoundingSet, missingCapabilities } from './privileged-engine.ts'
import { mkdir, readFile } from 'node:fs/promises'
import type { Config } from '../run/config.ts'
import { run, type RunOptions, type RunResult } from '../base/exec.ts'
import { sh, type Node } from '../profiles/node.ts'
import type { PreflightProblem, Profile } from '../profiles/profile.ts'
import {
  CHART_COMPONENTS,
  DRAGONFLY_NAMESPACE,
  DRAGONFLY_RELEASE,
  chartPodLabels,
  helmValues,
  labelSelector,
  peerService,
} from '../render/index.ts'
import { obtainTool } from '../tools/obtain.ts'
import type { ObtainedTool } from '../tools/types.ts'
import { toolsOncePerRun } from '../tools/once-per-run.ts'
import {
  NAMED_BINARIES,
  podmanVersion,
  docker,
  kind,
  kube as kubectlCmd,
  podProxyPath,
  type Command,
  type KindContext,
} from './commands.ts'
import { collectKindDiagnostics } from './diagnostics.ts'
import { dragonflyPodVersions } from './dragonfly-versions.ts'
import { runImageAsPods } from './cri-run.ts'
import {
  clusterStep,
  deletesClusterOnTeardown,
  dragonflyStep,
  nodeToolsStep,
  peerServiceStep,
  registryStep,
  teardownStep,
  type Flow,
} from './flow.ts'
import { kindNodeImage, localImageRef } from './images.ts'
import { kubeFrom, listPods, waitForReplacedPods, waitForWorkloads, type Kube } from './k8s.ts'
import { kindLayout } from './layout.ts'
import { FILE_LOG_SCRIPT, clientLogSource, linesSince, toSinceTime } from './logs.ts'
import { parsePodLogFiles, podLogDir, podLogScript } from './pod-log-files.ts'
import { parseKindNodes } from './nodes.ts'
import { bindable, fuseOnDockerHost, kindPreflight, type KindTool } from './preflight.ts'
import { componentStatuses, endpointsFromSlices, podOn, withSchedulerHosts } from './readiness.ts'
import { textLines } from '../evidence/lines.ts'
import { schedulerKnownHosts } from '../evidence/scheduler-hosts.ts'
import { waitFor } from '../base/wait.ts'
import { resetCommands, resetWorkload, targetOfDaemonSet, targetOfStatefulSet } from './reset.ts'
import { reconfigureKind } from './reconfigure.ts'
import { testImageWithoutDebootstrap } from '../image/test-image.ts'
import { startKind, stopKind } from './stop-start.ts'
import { liveIO } from './step-io.ts'
import { upgradeKind } from './upgrade.ts'
import { lastErrorLine, podRestartRecords } from './restarts.ts'
import { RestartLedger } from '../checks/restarts.ts'
import { podReader } from './pod-reader.ts'
import { startOriginContainer } from '../image/origin-registry.ts'
import { publishBuiltImage } from '../image/publish.ts'

const NAMING = { release: DRAGONFLY_RELEASE }
const selectorOf = (component: string) => labelSelector(chartPodLabels(NAMING, component))

/**
 * `withKind: false`: the API-side half for a cluster the suite did not create (cluster/profile.ts
 * overrides what differs): no kind binary is obtained or run.
 */
export function kindProfile(
  config: Config,
  onTool: (t: ObtainedTool) => void = () => {},
  opts: {
    withKind: boolean
    /** the node a pod runs on, by name, as the profile reaches it (default: kind's node container) */
    nodeOf?: (name: string) => Promise<Node | undefined>
  } = { withKind: true },
): Profile {
  const layout = kindLayout(config)
  const stepMs = config.stepTimeoutMinutes * 60_000
  const values = helmValues(config)
  let kubeClient: Kube | undefined
  // What runs now: an upgrade step moves a component off its pin (dfdaemon's log source depends on it).
  const running = { ...config.toolVersions }
  // each pod's restarts when the suite first saw it ready (dragonflyStatus, resets, upgrade steps)
  const ledger = new RestartLedger()
  const observePods = async () =>
    ledger.observe(podRestartRecords(await listPods(kube(), DRAGONFLY_NAMESPACE)))

  const tool = toolsOncePerRun(config, onTool)
  const nodeOf =
    opts.nodeOf ??
    (async (name: string): Promise<Node> => ({
      name,
      container: name,
      role: 'worker',
      ip: '',
      engine: config.kindProvider,
      runsKubernetes: true,
    }))

  async function context(): Promise<KindContext> {
    // one after another: a build (when no download is possible) must not compete with another
    const k = opts.withKind ? await tool('kind') : { binary: NAMED_BINARIES.kind }
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
  /** the flow's steps (flow.ts) with the obtained binaries; the plan runs the same steps recorded */
  const flow = async (): Promise<Flow> => ({ config, ctx: await context(), engine, runId: runId(), kube })

  const imagePresent = async (ref: string): Promise<boolean> =>
    (await exec(docker.imageInspect(localImageRef(ref)), { allowFailure: true })).exitCode === 0

  /** the name of a component's pod (on a node), undefined when it has none */
  async function podNameOf(component: string, node?: string) {
    return podOn(await listPods(kube(), DRAGONFLY_NAMESPACE, selectorOf(component)), component, node)
      ?.metadata?.name
  }

  async function podFor(component: string, node?: string) {
    const name = await podNameOf(component, node)
    if (!name) throw new Error(`no ${component} pod${node ? ` on ${node}` : ''} in ${DRAGONFLY_NAMESPACE}`)
    return name
  }

  async function schedulerLog(): Promise<string> {
    const ctx = await context()
    const pod = await podFor(CHART_COMPONENTS.scheduler)
    return (await exec(kubectlCmd.logs(ctx, pod, 'scheduler', {}))).stdout
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
    // A component stopped by the fault catalog has no pod, and so nothing logged in the window (as a
    // stopped unit's journal on local): an empty log, its absence shown by dragonflyStatus.
    const found = podOn(
      await listPods(kube(), DRAGONFLY_NAMESPACE, selectorOf(component)),
      component,
      node?.name,
    )
    const pod = found?.metadata?.name
    if (!pod) return ''
    if (clientLogSource(running.dfdaemon, console) === 'stdout') {
      // the node's files first: they hold what a rotation took out of `kubectl logs` (pod-log-files.ts)
      const on = node ?? (found.spec?.nodeName ? await nodeOf(found.spec.nodeName) : undefined)
      const sinceTime = since ? toSinceTime(since) : undefined
      if (on && found.metadata?.uid) {
        const dir = podLogDir(DRAGONFLY_NAMESPACE, pod, found.metadata.uid, container)
        const r = await sh(on, podLogScript(dir, sinceTime), { timeoutMs: 5 * 60_000, allowFailure: true })
        const text = r.exitCode === 0 ? parsePodLogFiles(r.stdout, sinceTime) : undefined
        if (text !== undefined) return text
      }
      return (await exec(kubectlCmd.logs(ctx, pod, container, sinceTime ? { sinceTime } : {}))).stdout
    }
    // Older clients: the file, on the node when the chart mounts it from the host, else in the pod.
    let text = node ? (await sh(node, FILE_LOG_SCRIPT)).stdout : ''
    if (!text.trim())
      text = (await exec(kubectlCmd.exec(ctx, pod, container, ['sh', '-c', FILE_LOG_SCRIPT]))).stdout
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
          missingCapabilities: async () =>
            missingCapabilities(
              capBoundingSet(await readFile('/proc/self/status', 'utf8')),
              await readFile('/proc/sys/kernel/cap_last_cap', 'utf8'),
            ),
          testImage: () => testImageWithoutDebootstrap(config.image, config),
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
      await mkdir(layout.dir, { recursive: true })
      return clusterStep(liveIO(log), await flow())
    },

    async prepareNodes(nodes, log) {
      const nerdctl = (await tool('nerdctl', log)).binary
      // podman cp has no -L: the cache's symlinks are resolved here
      await nodeToolsStep(
        liveIO(log),
        await flow(),
        nodes,
        engine === 'podman' ? realpathSync(nerdctl) : nerdctl,
      )
    },

    publishImage: (image, refs, builder, url, log) =>
      publishBuiltImage(config, image, refs, builder, url, log),

    startOrigin: async (at, log) =>
      startOriginContainer(config, at, async () => registryStep(liveIO(log), await flow()), log),

    async deployDragonfly(nodes, registryHost, log) {
      await mkdir(layout.dir, { recursive: true })
      const io = liveIO(log)
      const f = await flow()
      await dragonflyStep(io, f, nodes, registryHost)
      const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.name)
      await peerServiceStep(io, f, workers, peerServiceEndpoints)
    },

    async dragonflyStatus(nodes, opts = {}) {
      const settleMs = opts.settleMs ?? 60_000
      const workerNames = nodes.filter((n) => n.role === 'worker').map((n) => n.name)
      const read = async () => {
        const pods = await listPods(kube(), DRAGONFLY_NAMESPACE)
        ledger.observe(podRestartRecords(pods))
        const statuses = componentStatuses(pods, workerNames)
        // the current scheduler container's log only: a restarted scheduler forgets every host
        const known = await schedulerLog()
          .then((text) => schedulerKnownHosts(textLines(text)))
          .catch((err: Error) => err)
        return { ready: statuses.every((s) => s.ok), statuses: withSchedulerHosts(statuses, pods, known) }
      }
      let last = await read()
      // dfdaemon announces itself as it starts; the scheduler logs it a moment later
      if (last.ready && last.statuses.some((s) => !s.ok))
        await waitFor(
          'the scheduler to log an announcement of every dfdaemon host',
          async () => (last = await read()).statuses.every((s) => s.ok),
          { timeoutMs: settleMs },
        ).catch(() => undefined)
      return last.statuses
    },

    peerServiceEndpoints,

    async upgradeComponent(nodes, component, version, log) {
      const stargzOf = async (v: string) =>
        (
          await obtainTool(
            'stargz',
            { ...config, toolVersions: { ...config.toolVersions, stargz: v } },
            { log },
          )
        ).binary
      const now = component === 'chart' ? config.chartVersion : running[component]
      await upgradeKind(liveIO(log), await flow(), nodes, component, version, now, stargzOf)
      if (component !== 'chart') running[component] = version
      await observePods()
    },

    async reconfigureDragonfly(nodes, values, log) {
      await reconfigureKind(liveIO(log), await flow(), values)
      // the replaced pods are new: their restarts count from now
      await observePods()
      // the new clients serve once the scheduler knows their hosts again (as after the install)
      const status = await this.dragonflyStatus(nodes)
      const down = status.filter((s) => !s.ok)
      if (down.length)
        throw new Error(`after the reconfiguration: ${down.map((s) => `${s.where}: ${s.detail}`).join('; ')}`)
    },

    async stopComponent(component, node, log) {
      await stopKind(liveIO(log), await flow(), component, node.name)
    },

    async startComponent(component, node, cluster, log) {
      await startKind(liveIO(log), await flow(), component, node.name, cluster.values)
      // the pods are new: their restarts count from now
      await observePods()
    },

    async restarts() {
      const ctx = await context()
      const pods = await listPods(kube(), DRAGONFLY_NAMESPACE)
      const records = await Promise.all(
        podRestartRecords(pods).map(async (r) => {
          if (r.restarts === 0) return r
          // why it restarted: the previous container's last error line
          const pod = pods.find((p) => p.metadata?.uid === r.key)!
          const container = pod.status?.containerStatuses?.find((c) => c.lastState?.terminated)?.name
          if (!container) return r
          const previous = await exec(
            kubectlCmd.logs(ctx, pod.metadata!.name!, container, { previous: true }),
            {
              allowFailure: true,
            },
          )
          const why = lastErrorLine(previous.stdout)
          return why ? { ...r, last: `${r.last ?? 'restarted'}: ${why}` } : r
        }),
      )
      return ledger.since(records)
    },

    dragonflyVersions: async () => dragonflyPodVersions(kube(), await context(), selectorOf),

    clientLogs: (node, since) =>
      dfdaemonLog(CHART_COMPONENTS.client, 'client', values.client.config.console, node, since),
    seedLogs: (since) =>
      dfdaemonLog(
        CHART_COMPONENTS.seedClient,
        'seed-client',
        values.seedClient.config.console,
        undefined,
        since,
      ),
    async peerAddresses() {
      const pods = await listPods(kube(), DRAGONFLY_NAMESPACE, selectorOf(CHART_COMPONENTS.seedClient))
      const seed = podOn(pods, CHART_COMPONENTS.seedClient)
      const node = seed?.spec?.nodeName
      const ip = seed?.status?.podIP
      return node && ip && !seed?.spec?.hostNetwork ? { [node]: ip } : {}
    },

    async seedNodeIp() {
      const pods = await listPods(kube(), DRAGONFLY_NAMESPACE, selectorOf(CHART_COMPONENTS.seedClient))
      return podOn(pods, CHART_COMPONENTS.seedClient)?.status?.hostIP
    },
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
      for (const ds of clients.items)
        await resetWorkload(k, ctx, targetOfDaemonSet(ds, 'client'), nodes, stepMs)
      await waitForWorkloads(k, DRAGONFLY_NAMESPACE, stepMs)
      await observePods()
    },

    stargzBinary: async () => (await tool('stargz')).binary,

    async collectDiagnostics(dir) {
      await collectKindDiagnostics(dir, config)
    },

    runAsPods: (workers, ref, args, log) => runImageAsPods(config, workers, ref, args, log),

    get readerPod() {
      return podReader(kube(), stepMs)
    },

    async teardown(runId) {
      // the flow without resolving tools when nothing needs them: kind only if a cluster may exist
      const f: Flow = deletesClusterOnTeardown(config)
        ? { ...(await flow()), runId }
        : { config, ctx: { config, layout, bin: NAMED_BINARIES }, engine, runId, kube }
      return teardownStep(
        liveIO(() => {}),
        f,
      )
    },
  }
}
