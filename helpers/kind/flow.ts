// The kind profile's own steps, written once: the cluster, the tools in its nodes, the registry image,
// Dragonfly from its chart, the peer Service, and the teardown. The profile runs them with a live
// StepIO; the dry-run plan (plan.ts) records them, so what `plan` prints is the path a first run on a
// clean machine takes. Work that is not one command (image builds, API waits) goes through io.task /
// io.wait, which the plan prints as comments.
import { rm } from 'node:fs/promises'
import { SAVE_PLATFORM_API, savePlatform } from './save-platform.ts'
import path from 'node:path'
import type { Config } from '../run/config.ts'
import { RUN_LABEL, removeLabelled, type ContainerEngine } from '../profiles/docker.ts'
import { debian, recipeTag } from '../local/rootfs-image.ts'
import { ensureDebianRegistryImage } from '../local/registry-image.ts'
import type { Node } from '../profiles/node.ts'
import type { Cluster } from '../profiles/profile.ts'
import { DRAGONFLY_NAMESPACE, helmValues, type ChartImage } from '../render/index.ts'
import { loudNote } from '../run/state.ts'
import { waitFor } from '../base/wait.ts'
import {
  KIND_NETWORK,
  NAT_EXEMPTION_MARK,
  commandLine,
  type Command,
  copyIntoNode,
  docker,
  helm,
  ipv4Subnet,
  kind,
  kube as kubectl,
  natExemption,
  nodeImageCommands,
  registryHostsLine,
  registryIpCommand,
  type KindContext,
} from './commands.ts'
import {
  chartIsDirectory,
  kindConfigFile,
  managerBackendsFile,
  peerServiceFile,
  valuesFile,
} from './files.ts'
import {
  kindNodeImage,
  localImageRef,
  registryImagePin,
  initContainerImagePin,
  workloadImageRefs,
} from './images.ts'
import { waitForNodesReady, waitForWorkloads, type Kube } from './k8s.ts'
import { ensureKindNodeImage } from './node-image/build.ts'
import { kindNodeRecipe } from './node-image/recipe.ts'
import { kindNodeNames, parseKindNodes, parseNodeInfo, sortNodes } from './nodes.ts'
import type { StepIO } from './step-io.ts'
import { NERDCTL_PATH } from '../image/nerdctl.ts'
import { supplyWorkloadImages } from './workload-images-build.ts'
import { servicesRecipe } from './workload-images.ts'

export { NERDCTL_PATH }

export interface Flow {
  config: Config
  /** binaries as obtained (run) or by name (plan) */
  ctx: KindContext
  engine: ContainerEngine
  /** the run's id ('<run id>' in the plan) */
  runId: string
  /** the API client; only called inside io.wait / io.task, so never by the plan */
  kube: () => Kube
}

const stepMs = (f: Pick<Flow, 'config'>): number => f.config.stepTimeoutMinutes * 60_000

/** Every workload of Dragonfly's namespace rolled out and ready, awaited through the API (`what`: why). */
export function awaitDragonflyWorkloads(io: StepIO, f: Pick<Flow, 'config' | 'kube'>, what: string) {
  return io.wait(
    `${what} (API, polled)`,
    () => waitForWorkloads(f.kube(), DRAGONFLY_NAMESPACE, stepMs(f), io.log),
    [],
  )
}
export const imageName = (i: ChartImage): string => `${i.repository}:${i.tag}`

/** `docker save` of refs into one archive, only the nodes' platform where the engine can (save-platform.ts). */
export async function saveImages(io: StepIO, archive: string, refs: string[]): Promise<void> {
  const apis = await io.read(docker.apiVersions(), (o) => o, '<client API> <server API>')
  const platform = savePlatform(apis)
  await io.run(docker.save(archive, refs, platform))
  if (!platform)
    io.log(`docker save without --platform: API ${apis.trim()} (it needs ${SAVE_PLATFORM_API} on both)`)
}

/** A helm install or upgrade, logged with the release status; the chart's NOTES (port-forward how-tos) are not for this log. */
export async function runHelm(io: StepIO, command: Command): Promise<void> {
  io.log(commandLine(command))
  let notes = false
  await io.run(command, { onLine: (l) => (notes ||= l.startsWith('NOTES:')) || io.log(l) })
}

/** Whether teardown deletes the cluster: not when it is to be kept or reused by the next run. */
export function deletesClusterOnTeardown(config: Pick<Config, 'keep' | 'reuseCluster'>): boolean {
  return !config.keep && !config.reuseCluster
}

/**
 * The node image: the override, the pinned kindest/node when the provider has it or can pull it, else
 * (podman, no registry reachable) the suite's offline build of a node image, said out loud.
 */
export async function nodeImage(io: StepIO, f: Flow): Promise<string> {
  const { config, engine } = f
  const pinned = kindNodeImage(config)
  if (config.kindNodeImage) return pinned
  if (await io.check(nodeImageCommands.exists(engine, pinned), { plan: false })) return pinned
  const fallback =
    engine === 'podman' ? "; failing: the suite's offline node image (npm run kind:node-image)" : ''
  const pull = await io.run(nodeImageCommands.pull(engine, pinned), {
    allowFailure: true,
    why: `only when absent${fallback}`,
  })
  if (pull.exitCode === 0) return pinned
  const reason = pull.stderr.trim().split('\n').pop() ?? `exit ${pull.exitCode}`
  if (engine !== 'podman') throw new Error(`kind node image ${pinned} cannot be pulled (${reason})`)
  io.log(
    `OFFLINE: ${pinned} cannot be pulled (${reason}): using the suite's node image built from Debian packages and the suite's binaries (helpers/kind/node-image)`,
  )
  const built = await ensureKindNodeImage(kindNodeRecipe(debian()), {
    cacheDir: config.cacheDir,
    workDir: path.join(config.cacheDir, 'kind-node-build'),
    log: io.log,
  })
  io.log(`${built.built ? 'built' : 'cached'}: ${built.ref}`)
  loudNote(
    `kind node image: ${pinned} could not be pulled; the nodes run the suite's offline build ${built.ref} (same Kubernetes version, built from the package registries)`,
  )
  return built.ref
}

/** Cluster: create (or reuse) it, wait for its nodes, and on podman connect its network to Docker's. */
export async function clusterStep(io: StepIO, f: Flow): Promise<Cluster> {
  const { config, ctx, engine } = f
  const { layout } = ctx
  const exists = await io.check(kind.getClusters(ctx), {
    plan: false,
    from: (r) => parseKindNodes(r.stdout).includes(config.clusterName),
  })
  if (exists) {
    if (!config.reuseCluster)
      throw new Error(
        `a kind cluster named ${config.clusterName} already exists: set D7Y_REUSE_CLUSTER=true to reuse it, or delete it with: kind delete cluster --name ${config.clusterName}`,
      )
    io.log(`reusing kind cluster ${config.clusterName}`)
    await io.run(kind.exportKubeconfig(ctx))
  } else {
    if (config.reuseCluster)
      io.note(
        `D7Y_REUSE_CLUSTER: when the cluster exists, ${commandLine(kind.exportKubeconfig(ctx))} instead`,
      )
    const image = await nodeImage(io, f)
    await io.write(layout.kindConfig, kindConfigFile(config, image))
    const create = kind.createCluster(ctx, image)
    io.log(commandLine(create))
    await io.run(create, { onLine: io.log })
  }
  const total = config.workers + 1
  await io.wait(
    `${total} nodes Ready (GET /api/v1/nodes through ${layout.kubeconfig}, polled)`,
    () => waitForNodesReady(f.kube(), total, stepMs(f)),
    undefined,
  )
  const planned = kindNodeNames(config.clusterName, config.workers)
  const containers = await io.read(
    kind.getNodes(ctx),
    parseKindNodes,
    planned.map((n) => n.name),
  )
  const nodes: Node[] = []
  for (const c of containers) {
    const role = planned.find((n) => n.name === c)?.role ?? 'worker'
    const info = await io.read(docker.nodeInfo(c, engine), (out) => parseNodeInfo(c, out), {
      name: c,
      container: c,
      role,
      ip: `<${c} ip>`,
    })
    nodes.push({ ...info, engine, runsKubernetes: true })
  }
  const sorted = sortNodes(nodes)
  const workers = sorted.filter((n) => n.role === 'worker').length
  if (workers !== config.workers)
    throw new Error(
      `kind cluster ${config.clusterName} has ${workers} workers, the configuration asks for ${config.workers} (D7Y_WORKERS): delete it or set D7Y_WORKERS=${workers}`,
    )
  io.log(`nodes: ${sorted.map((n) => `${n.name} (${n.role}, ${n.ip})`).join(', ')}`)
  if (engine !== 'docker') await podmanNetworks(io, f)
  return { nodes: sorted, network: KIND_NETWORK }
}

/**
 * podman's kind network is not Docker's: the registry and test containers (Docker) get a Docker
 * network of the same name, and podman's masquerading is lifted on the way from one to the other, so
 * the origin, which tells nodes apart by address, sees each node's own.
 */
async function podmanNetworks(io: StepIO, f: Flow): Promise<void> {
  io.note(`podman's kind network is not Docker's: a Docker network of the same name for the registry`)
  if (!(await io.check(docker.networkInspect(KIND_NETWORK), { plan: false })))
    await io.run(docker.networkCreate(KIND_NETWORK, f.runId), { why: 'only when absent' })
  io.note(
    'podman masquerades what leaves its network: exempt the way to the origin, which tells nodes apart by address',
  )
  const subnet = (out: string, which: string) => {
    const s = ipv4Subnet(out)
    if (!s) throw new Error(`no IPv4 subnet on ${which}'s ${KIND_NETWORK} network`)
    return s
  }
  const from = await io.read(natExemption.podmanSubnets(), (o) => subnet(o, 'podman'), '<podman subnet>')
  const to = await io.read(natExemption.dockerSubnets(), (o) => subnet(o, 'Docker'), '<docker subnet>')
  if (!(await io.check(natExemption.check(from, to), { plan: false }))) {
    await io.run(natExemption.removeAll(), {
      allowFailure: true,
      why: 'rules of kept or interrupted earlier clusters',
    })
    await io.run(natExemption.insert(from, to), { why: 'only when absent' })
  }
  io.log(`${from} → ${to} not masqueraded: the origin sees each node's own address`)
}

/** Node tools: kind nodes ship containerd (and ctr); nerdctl is the one tool the chapters add. */
export async function nodeToolsStep(
  io: StepIO,
  f: Flow,
  nodes: Node[],
  nerdctlBinary: string,
): Promise<void> {
  for (const node of nodes) {
    for (const c of copyIntoNode(node.container, nerdctlBinary, NERDCTL_PATH, f.engine)) await io.run(c)
    const version = await io.read(
      docker.exec(node.container, [NERDCTL_PATH, '--version'], undefined, f.engine),
      (o) => o.trim(),
      '',
    )
    io.log(`${node.name}: ${version}`)
  }
}

/** The origin registry's image: pinned by digest when present or pullable, else Debian's build. */
export async function registryStep(io: StepIO, f: Flow): Promise<string> {
  const pin = registryImagePin(f.config)
  const tagged = async () => {
    if (pin.pull !== pin.ref) await io.run(docker.tag(pin.pull, pin.ref))
    return pin.ref
  }
  if (await io.check(docker.imageInspect(localImageRef(pin.pull)), { plan: false })) return tagged()
  const pull = await io.run(docker.pull(pin.pull), {
    allowFailure: true,
    why: "only when absent; not pullable: Debian's build of the same program (docker-registry package), said in the run's output",
  })
  if (pull.exitCode === 0) return tagged()
  io.log(
    `cannot pull ${pin.pull} (${pull.stderr.trim().split('\n').pop()}); using Debian's docker-registry package instead`,
  )
  return ensureDebianRegistryImage()
}

/** The images the chart's values name (and MariaDB + Redis): present, pulled, or built here. */
export function supplyChartImages(config: Config, log: (line: string) => void) {
  const values = helmValues(config)
  return supplyWorkloadImages(
    {
      manager: imageName(values.manager.image),
      scheduler: imageName(values.scheduler.image),
      client: imageName(values.client.image),
      init: initContainerImagePin(config),
    },
    config,
    path.join(config.cacheDir, 'rootfs'),
    log,
  )
}

/** Dragonfly: its images into the nodes, MariaDB and Redis for the manager, then the chart. */
export async function dragonflyStep(io: StepIO, f: Flow, nodes: Node[], registryHost: string): Promise<void> {
  const { config, ctx, engine } = f
  const { layout } = ctx
  const dragonfly = workloadImageRefs(config)
  const supplied = await io.task(
    `images ${dragonfly.join(', ')}: the published ones when present or pullable, else the suite's builds (OFFLINE, said in the output; helpers/kind/workload-images.ts)`,
    () => supplyChartImages(config, io.log),
    { images: [], services: recipeTag(servicesRecipe(debian())) },
  )
  io.note(`MariaDB + Redis for the manager: ${supplied.services} (Debian packages)`)
  for (const i of supplied.images) io.log(`image ${i.ref}: ${i.source}`)
  const ours = supplied.images
    .filter(
      (i) =>
        (i.source.startsWith('built here') || i.source === 'pulled, a local build') &&
        i.ref !== supplied.services,
    )
    .map((i) => i.ref)
  if (ours.length)
    loudNote(
      `images the chart runs that are the suite's builds, not the published ones (built here where no registry answered, or pulled from one that serves the suite's builds): ${ours.join(', ')}`,
    )
  // Archives loaded into the nodes' containerd (any provider: kind streams them to `ctr import`).
  // Dragonfly's images go everywhere; MariaDB/Redis only where they are scheduled.
  const controlPlane = nodes.filter((n) => n.role === 'control-plane').map((n) => n.name)
  for (const [name, refs, onNodes] of [
    ['dragonfly', dragonfly, undefined],
    ['manager-backends', [supplied.services], controlPlane],
  ] as const) {
    const archive = path.join(layout.dir, `${name}-images.tar`)
    await saveImages(io, archive, [...refs])
    io.log(`kind load image-archive: ${refs.join(', ')}${onNodes ? ` (on ${onNodes.join(', ')})` : ''}`)
    await io.run(kind.loadArchive(ctx, archive, onNodes))
    await io.task(`rm ${archive}`, () => rm(archive, { force: true }), undefined)
  }
  // Under podman the nodes cannot resolve the registry's name (Docker's DNS serves only Docker's
  // containers): each node's /etc/hosts gets it, and the chart's pods get it as hostAliases.
  let alias: { ip: string; hostnames: string[] } | undefined
  if (engine !== 'docker') {
    const ip = await io.read(registryIpCommand(config.registryName), (o) => o.trim(), '<registry ip>')
    alias = { ip, hostnames: [config.registryName] }
    for (const node of nodes)
      await io.run(docker.exec(node.container, ['sh', '-ec', registryHostsLine(alias)], undefined, engine))
    io.log(`${config.registryName} → ${ip} in every node's /etc/hosts and the chart's hostAliases`)
  }
  await chartStep(io, f, registryHost, alias, supplied.services)
}

/**
 * The chart and what it needs (any cluster): MariaDB and Redis for the manager from `servicesImage`,
 * then `helm upgrade --install` with the run's values, awaited until every workload is ready.
 * `alias`: the origin's address for the pods where the cluster's DNS cannot name it (hostAliases).
 */
export async function chartStep(
  io: StepIO,
  f: Pick<Flow, 'config' | 'ctx' | 'kube'>,
  registryHost: string,
  alias: { ip: string; hostnames: string[] } | undefined,
  servicesImage: string,
): Promise<void> {
  const { config, ctx } = f
  const { layout } = ctx
  await io.write(layout.managerBackends, managerBackendsFile(servicesImage))
  await io.run(kubectl.apply(ctx, layout.managerBackends))
  await awaitDragonflyWorkloads(io, f, `MariaDB and Redis Deployments in ${DRAGONFLY_NAMESPACE} ready`)
  await io.write(layout.values, valuesFile(config, registryHost, alias))
  if (chartIsDirectory(config)) await io.run(helm.dependencyUpdate(ctx, config.chartPath!))
  const install = helm.upgradeInstall(ctx)
  await runHelm(io, install)
  const ready = await awaitDragonflyWorkloads(
    io,
    f,
    `every Deployment, StatefulSet and DaemonSet in ${DRAGONFLY_NAMESPACE} rolled out and ready`,
  )
  io.log(`ready: ${ready.map((w) => `${w.kind}/${w.name}`).join(', ')}`)
}

/** The peer NodePort Service; the chapter judges its endpoints, this only gives them their moment. */
export async function peerServiceStep(
  io: StepIO,
  f: Pick<Flow, 'config' | 'ctx'>,
  workers: string[],
  endpoints: () => Promise<{ node: string }[]>,
): Promise<void> {
  const { layout } = f.ctx
  await io.write(layout.peerService, peerServiceFile(f.config))
  await io.run(kubectl.apply(f.ctx, layout.peerService))
  await io.wait(
    `EndpointSlices of Service peer have an endpoint on ${workers.join(', ')} (at most 60 s; chapter 20 judges)`,
    () =>
      waitFor(
        `peer Service endpoints on ${workers.join(', ')}`,
        async () => {
          const eps = await endpoints()
          return workers.every((w) => eps.some((e) => e.node === w))
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      ).catch((err: Error) => io.log(err.message)),
    undefined,
  )
}

/** Teardown: the cluster (unless kept or reused), the NAT exemption, the run's Docker leftovers. */
export async function teardownStep(io: StepIO, f: Flow): Promise<string[]> {
  const { config, ctx } = f
  const removed: string[] = []
  if (deletesClusterOnTeardown(config)) {
    const exists = await io.check(kind.getClusters(ctx), {
      plan: true,
      from: (r) => parseKindNodes(r.stdout).includes(config.clusterName),
    })
    if (exists) {
      await io.run(kind.deleteCluster(ctx))
      removed.push(`kind cluster ${config.clusterName}`)
    }
    if (f.engine !== 'docker') {
      await io.run(natExemption.removeAll(), { allowFailure: true })
      removed.push(`host NAT exemption ${NAT_EXEMPTION_MARK}`)
    }
  }
  removed.push(
    ...(await io.task(
      `docker rm -f -v $(docker ps -aq --filter label=${RUN_LABEL}=${f.runId}); the same for the run's networks and volumes`,
      () => removeLabelled(f.runId),
      [],
    )),
  )
  return removed
}
