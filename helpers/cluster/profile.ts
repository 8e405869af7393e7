// The cluster profile: a cluster the suite did not create (KUBECONFIG, D7Y_KUBE_CONTEXT), reached
// through the Kubernetes API alone. Dragonfly comes from its chart and is read through the API as on
// kind (kind/profile.ts, without kind: this profile's prototype); what differs is here: the nodes are
// found, not made, and reached through the suite's agent pods; the origin registry is a pod; the
// test image is pushed without a container engine; teardown puts every node back as it was found.
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../run/config.ts'
import { run } from '../base/exec.ts'
import { copyTo, exec, type Node } from '../profiles/node.ts'
import type { Profile } from '../profiles/profile.ts'
import type { ObtainedTool } from '../tools/types.ts'
import { toolsOncePerRun } from '../tools/once-per-run.ts'
import { kindProfile } from '../kind/profile.ts'
import { kindLayout } from '../kind/layout.ts'
import { kubeFrom, type Kube } from '../kind/k8s.ts'
import { liveIO } from '../kind/step-io.ts'
import { toSinceTime } from '../kind/logs.ts'
import type { KindContext } from '../kind/commands.ts'
import { chartStep, peerServiceStep } from '../kind/flow.ts'
import { servicesRecipe } from '../kind/workload-images.ts'
import { debian, recipeTag } from '../local/rootfs-image.ts'
import { publishLayerImage } from '../image/publish.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import { AGENT_NAMESPACE } from '../render/node-agent.ts'
import { registryHost } from '../render/stargz-config.ts'
import { NERDCTL_PATH } from '../image/nerdctl.ts'
import {
  agentStep,
  chosenNodes,
  footprintStep,
  kubeconfigStep,
  originNameStep,
  originStep,
  foundStateFile,
  teardownStep,
  type ClusterFlow,
  type FoundState,
} from './flow.ts'
import { clusterCommands } from './commands.ts'
import { freeLoopbackPort, keepForwarding, type PortForward } from './port-forward.ts'
import { backupFiles, type NodeBackup } from './restore.ts'
import { clusterPreflight } from './preflight.ts'
import { collectClusterDiagnostics } from './diagnostics.ts'
import { FOOTPRINT_REPORT } from './footprint-verdict.ts'
import { TEARDOWN_FAULT_REPORT } from './teardown-fault.ts'

export function clusterProfile(config: Config, onTool: (t: ObtainedTool) => void = () => {}): Profile {
  const layout = kindLayout(config)
  let kubeClient: Kube | undefined
  let forward: PortForward | undefined

  const tool = toolsOncePerRun(config, onTool)
  const kube = (): Kube => (kubeClient ??= kubeFrom(layout.kubeconfig))
  async function flow(): Promise<ClusterFlow> {
    const ctx: KindContext = {
      config,
      bin: { kind: 'kind', helm: (await tool('helm')).binary, kubectl: (await tool('kubectl')).binary },
      layout,
    }
    return { config, ctx, kube }
  }
  const builderOf = (nodes: Node[]) => nodes.find((n) => n.role === 'control-plane')!

  // Dragonfly's readiness, logs, metrics, resets, faults and CRI pods: the kind profile's, through the API
  // a pod's node through its agent (dfdaemon's log files are read there): the nodes the run found
  const nodeOf = async (name: string): Promise<Node | undefined> =>
    existsSync(foundStateFile(config))
      ? (JSON.parse(await readFile(foundStateFile(config), 'utf8')) as FoundState).nodes.find(
          (n) => n.name === name,
        )
      : undefined
  const api = kindProfile(config, onTool, { withKind: false, nodeOf })

  const own: Partial<Profile> = {
    name: 'cluster',

    async preflight() {
      return clusterPreflight(config, {
        tool: (t) =>
          tool(t).then(
            (o) => ({ version: o.version }),
            (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
          ),
        flow,
      })
    },

    async createCluster(log) {
      await mkdir(layout.dir, { recursive: true })
      const io = liveIO(log)
      const f = await flow()
      await kubeconfigStep(io, f)
      const nodes = await agentStep(io, f, await chosenNodes(io, f))
      for (const n of nodes) log(`${n.role} ${n.name} (${n.ip}): through agent pod ${n.access!.pod}`)
      const before = await footprintStep(io, f, nodes)
      const backups: Record<string, NodeBackup> = {}
      for (const n of nodes) backups[n.name] = await backupFiles(n, before[n.name]!)
      const found: FoundState = { nodes, before, backups }
      await writeFile(foundStateFile(config), JSON.stringify(found))
      for (const n of nodes)
        log(
          `${n.name} as found: ${Object.entries(before[n.name]!.paths)
            .map(([p, s]) => `${p} ${s.kind === 'file' ? s.sha256.slice(0, 12) : s.kind}`)
            .join(', ')}`,
        )
      return { nodes, network: 'cluster' }
    },

    async prepareNodes(nodes, log) {
      const nerdctl = (await tool('nerdctl', log)).binary
      for (const n of nodes) {
        await copyTo(n, nerdctl, NERDCTL_PATH)
        log(`${n.name}: ${(await exec(n, [NERDCTL_PATH, '--version'])).stdout.trim()}`)
      }
    },

    async startOrigin(_at, log): Promise<OriginRegistry> {
      const io = liveIO(log)
      const f = await flow()
      const nodes = (JSON.parse(await readFile(foundStateFile(config), 'utf8')) as FoundState).nodes
      const builder = builderOf(nodes)
      const pod = await originStep(io, f, builder)
      await originNameStep(io, f, nodes, builder.ip)
      const port = await freeLoopbackPort()
      forward = await keepForwarding(
        clusterCommands.portForward(f.ctx, pod, port, config.registryPort),
        port,
        log,
      )
      log(`${registryHost(config)} → ${builder.name} (${builder.ip}); here ${forward.url}`)
      const exec = (argv: readonly string[]) => {
        const c = clusterCommands.registryExec(f.ctx, pod, argv)
        return run(c.file, c.args, { timeoutMs: c.timeoutMs, allowFailure: true })
      }
      return {
        host: registryHost(config),
        localUrl: forward.url,
        where: `pod ${AGENT_NAMESPACE}/${pod} on ${builder.name}`,
        exec,
        logs: async (since?: string) => {
          const c = clusterCommands.registryLogs(f.ctx, pod, since ? toSinceTime(since) : undefined)
          const r = await run(c.file, c.args, { timeoutMs: c.timeoutMs })
          return `${r.stdout}\n${r.stderr}`
        },
        stop: async () => forward?.stop(),
      }
    },

    publishImage: (image, refs, builder, url, log) =>
      publishLayerImage(config, image, refs, builder, url, log),

    async deployDragonfly(nodes, registryHost, log) {
      const io = liveIO(log)
      const f = await flow()
      // the cluster's DNS does not name the origin: the pods get the builder's address, as the nodes did
      const alias = { ip: builderOf(nodes).ip, hostnames: [config.registryName] }
      const services = recipeTag(servicesRecipe(debian()))
      io.log(
        `MariaDB + Redis for the manager: ${services} (the suite's image; the cluster must have it or pull it)`,
      )
      await chartStep(io, f, registryHost, alias, services)
      const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.name)
      await peerServiceStep(io, f, workers, () => api.peerServiceEndpoints!())
    },

    async collectDiagnostics(dir) {
      await collectClusterDiagnostics(dir, config, await flow())
    },

    async teardown() {
      const removed: string[] = []
      const log = (l: string) => console.log(`teardown: ${l}`)
      const io = liveIO(log)
      forward?.stop()
      if (!existsSync(layout.kubeconfig)) return removed
      const f = await flow()
      const found = existsSync(foundStateFile(config))
        ? (JSON.parse(await readFile(foundStateFile(config), 'utf8')) as FoundState)
        : undefined
      const { report, fault } = await teardownStep(io, f, found, removed)
      if (fault) {
        await mkdir(config.reportsDir, { recursive: true })
        await writeFile(path.join(config.reportsDir, TEARDOWN_FAULT_REPORT), JSON.stringify(fault, null, 2))
      }
      if (report) {
        await mkdir(config.reportsDir, { recursive: true })
        await writeFile(path.join(config.reportsDir, FOOTPRINT_REPORT), JSON.stringify(report, null, 2))
        // kept while a node is not as found: the next preflight names it
        if (report.every((r) => !r.differences.length)) await rm(foundStateFile(config), { force: true })
      }
      return removed
    },
  }
  // the kind profile's API half answers what this profile does not override
  return Object.setPrototypeOf(own, api) as Profile
}
