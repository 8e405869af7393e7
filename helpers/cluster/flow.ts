// The cluster profile's own steps (a cluster the suite did not create), each written once against a
// StepIO: the profile runs them live, the dry-run plan records them (plan.ts). Everything goes
// through the Kubernetes API and kubectl: nodes are reached through the suite's agent pods.
import path from 'node:path'
import { yamlText } from '../render/format.ts'
import { registryHost } from '../render/stargz-config.ts'
import type { Config } from '../run/config.ts'
import type { Node } from '../profiles/node.ts'
import { sh } from '../profiles/node.ts'
import { kube as kubectl, registryHostsLine, type KindContext } from '../kind/commands.ts'
import { podReady } from '../kind/readiness.ts'
import { listPods, type Kube } from '../kind/k8s.ts'
import type { StepIO } from '../kind/step-io.ts'
import { waitFor } from '../base/wait.ts'
import { AGENT_LABELS, AGENT_NAMESPACE, agentNamespace, renderNodeAgent } from '../render/node-agent.ts'
import { ORIGIN_LABELS, ORIGIN_NAME, renderOriginPod } from '../render/origin-pod.ts'
import { initContainerImagePin, registryImagePin } from '../kind/images.ts'
import { chooseNodes, type ChosenNode } from './nodes.ts'
import { clusterCommands, TEARDOWN_WAIT_MINUTES } from './commands.ts'
import {
  footprintDiff,
  footprintScript,
  parseFootprint,
  touchedPaths,
  type NodeFootprint,
} from './node-footprint.ts'
import { restoreNode } from './restore.ts'
import {
  holdFile,
  judgeTeardownFault,
  releaseFile,
  simulates,
  teardownFaultTarget,
  type TeardownFaultResult,
} from './teardown-fault.ts'
import { DRAGONFLY_NAMESPACE } from '../render/index.ts'
import { labelSelector } from '../render/index.ts'
import { kindLayout } from '../kind/layout.ts'
import type { NodeBackup } from './restore.ts'

export interface ClusterFlow {
  config: Config
  ctx: KindContext
  /** the API client; only called inside io.wait / io.task, so never by the plan */
  kube: () => Kube
}

/** What the run found on its nodes, kept on this machine until teardown has put it back. */
export interface FoundState {
  nodes: Node[]
  before: Record<string, NodeFootprint>
  backups: Record<string, NodeBackup>
}

export const foundStateFile = (config: Pick<Config, 'cacheDir' | 'clusterName' | 'profile'>) =>
  path.join(kindLayout(config).dir, 'found-state.json')

const stepMs = (f: ClusterFlow): number => f.config.stepTimeoutMinutes * 60_000
export const agentFile = (f: ClusterFlow) => path.join(f.ctx.layout.dir, 'node-agent.yaml')
export const originFile = (f: ClusterFlow) => path.join(f.ctx.layout.dir, 'origin-registry.yaml')

/** The user's kubeconfig read down to the chosen context: the profile's own copy, theirs untouched. */
export async function kubeconfigStep(io: StepIO, f: ClusterFlow): Promise<void> {
  const text = await io.read(
    clusterCommands.kubeconfigView(f.ctx.bin.kubectl, f.config.kubeconfig, f.config.kubeContext),
    (o) => o,
    '<kubeconfig>',
  )
  await io.write(f.ctx.layout.kubeconfig, text)
}

/** The chosen nodes, read through the API (throws with every reason when the cluster cannot give them). */
export async function chosenNodes(io: StepIO, f: ClusterFlow): Promise<ChosenNode[]> {
  const { config } = f
  return io.task(
    `nodes: the API's list, those matching ${config.nodeSelector} as workers (the first ${config.workers} by name), the builder ${config.builderNode ?? 'the control-plane node'}`,
    async () => {
      const all = (await f.kube().core.listNode()).items
      const selected = (await f.kube().core.listNode({ labelSelector: config.nodeSelector })).items
      const chosen = chooseNodes(all, selected, {
        workers: config.workers,
        selector: config.nodeSelector,
        ...(config.builderNode ? { builder: config.builderNode } : {}),
      })
      if ('problems' in chosen) throw new Error(chosen.problems.join('; '))
      return chosen.nodes
    },
    [
      { name: '<builder>', ip: '<builder ip>', role: 'control-plane' as const },
      ...Array.from({ length: config.workers }, (_, i) => ({
        name: `<worker ${i + 1}>`,
        ip: `<worker ${i + 1} ip>`,
        role: 'worker' as const,
      })),
    ],
  )
}

/** The agent DaemonSet on the chosen nodes, awaited until one pod per node is ready: the nodes as the run reaches them. */
export async function agentStep(io: StepIO, f: ClusterFlow, chosen: ChosenNode[]): Promise<Node[]> {
  const image = initContainerImagePin(f.config).ref
  const agent = renderNodeAgent({ image, nodes: chosen.map((n) => n.name) })
  await io.write(agentFile(f), [agentNamespace(), agent].map((d) => yamlText(d)).join('---\n'))
  await io.run(kubectl.apply(f.ctx, agentFile(f)))
  const pods = await io.wait(
    `one ready agent pod on each of ${chosen.map((n) => n.name).join(', ')} (API, polled)`,
    async () => {
      let byNode = new Map<string, string>()
      await waitFor(
        'the node agent on every chosen node',
        async () => {
          const ps = await listPods(f.kube(), AGENT_NAMESPACE, labelSelector(AGENT_LABELS))
          byNode = new Map(
            ps
              .filter((p) => podReady(p) && !p.metadata?.deletionTimestamp)
              .map((p) => [p.spec?.nodeName ?? '', p.metadata?.name ?? '']),
          )
          const missing = chosen.filter((n) => !byNode.has(n.name)).map((n) => n.name)
          if (missing.length) throw new Error(`no ready agent pod on ${missing.join(', ')}`)
          return true
        },
        { timeoutMs: stepMs(f), intervalMs: 1000 },
      )
      return byNode
    },
    new Map(chosen.map((n) => [n.name, `<agent pod on ${n.name}>`])),
  )
  return chosen.map((n) => ({
    name: n.name,
    container: n.name,
    role: n.role,
    ip: n.ip,
    runsKubernetes: true,
    access: {
      via: 'agent' as const,
      kubectl: f.ctx.bin.kubectl,
      kubeconfig: f.ctx.layout.kubeconfig,
      namespace: AGENT_NAMESPACE,
      pod: pods.get(n.name)!,
    },
  }))
}

/** One reading of every path the run may change on a node, and of containerd's images. */
export async function footprintStep(
  io: StepIO,
  f: ClusterFlow,
  nodes: Node[],
): Promise<Record<string, NodeFootprint>> {
  const script = footprintScript(touchedPaths(registryHost(f.config)))
  return io.task(
    `read on every node through its agent: sha256 and mode of each file the run may write, each directory's presence, containerd's images (default, k8s.io)`,
    async () => {
      const out: Record<string, NodeFootprint> = {}
      for (const n of nodes) out[n.name] = parseFootprint((await sh(n, script)).stdout)
      return out
    },
    {},
  )
}

/** The origin registry pod on the builder's network, ready; returns its pod name. */
export async function originStep(io: StepIO, f: ClusterFlow, builder: Node): Promise<string> {
  const image = registryImagePin(f.config).ref
  await io.write(
    originFile(f),
    yamlText(renderOriginPod({ image, node: builder.name, port: f.config.registryPort })),
  )
  await io.run(kubectl.apply(f.ctx, originFile(f)))
  await io.wait(
    `pod ${ORIGIN_NAME} ready on ${builder.name} (its /v2/ answers; API, polled)`,
    () =>
      waitFor(
        `the origin registry pod ${ORIGIN_NAME} ready`,
        async () => {
          const ps = await listPods(f.kube(), AGENT_NAMESPACE, labelSelector(ORIGIN_LABELS))
          return ps.some(podReady)
        },
        { timeoutMs: stepMs(f), intervalMs: 1000 },
      ),
    true,
  )
  return ORIGIN_NAME
}

/** Every node names the origin by the run's registry name (its /etc/hosts: read back and put back by teardown). */
export async function originNameStep(io: StepIO, f: ClusterFlow, nodes: Node[], ip: string): Promise<void> {
  const line = registryHostsLine({ ip, hostnames: [f.config.registryName] })
  await io.task(
    `on every node through its agent: ${line}`,
    async () => {
      for (const n of nodes) await sh(n, line)
    },
    undefined,
  )
}

/** A namespace removed; when its pods outlive the wait (a node that stopped answering), said so and forced. */
async function deleteNamespace(io: StepIO, f: ClusterFlow, namespace: string): Promise<void> {
  const first = await io.run(clusterCommands.deleteNamespace(f.ctx, namespace), { allowFailure: true })
  if (first.exitCode === 0) return
  io.log(
    `namespace ${namespace} not gone after ${TEARDOWN_WAIT_MINUTES} min (a pod on a node that does not answer stays Terminating): its pods deleted by force`,
  )
  await io.run(clusterCommands.forceDeletePods(f.ctx, namespace), { allowFailure: true })
  await io.run(clusterCommands.deleteNamespace(f.ctx, namespace))
}

/** A node's two readings and what differs: the proof teardown writes to node-footprint.json. */
export interface NodeFootprintReport {
  node: string
  before: NodeFootprint
  after: NodeFootprint
  differences: string[]
}

/**
 * Teardown: the chart's release and namespace, the origin pod, every node put back from its reading
 * and backups (read again afterwards and compared), then the agents' namespace. Each part runs even
 * when one before it failed; `removed` gets what went.
 */
export async function teardownStep(
  io: StepIO,
  f: ClusterFlow,
  found: FoundState | undefined,
  removed: string[],
): Promise<{ report?: NodeFootprintReport[]; fault?: TeardownFaultResult }> {
  const part = async (what: string, work: () => Promise<unknown>) =>
    work().then(
      () => void removed.push(what),
      (err: Error) => io.log(`${what}: ${err.message.split('\n')[0]}`),
    )
  await part(`helm release and namespace ${DRAGONFLY_NAMESPACE}`, async () => {
    await io.run(clusterCommands.helmUninstall(f.ctx), { allowFailure: true })
    await deleteNamespace(io, f, DRAGONFLY_NAMESPACE)
  })
  await part('the origin registry pod', () => io.run(clusterCommands.deleteOrigin(f.ctx)))
  let report: NodeFootprintReport[] | undefined
  let fault: TeardownFaultResult | undefined
  if (found) {
    const putBack = async (nodes: Node[]) => {
      const now = await footprintStep(io, f, nodes)
      for (const n of nodes)
        await part(`node ${n.name} put back as found`, () =>
          io.task(
            `${n.name} through its agent: the snapshotter disabled, images the run added removed, the files it replaced put back, the files and directories it added removed, containerd restarted`,
            () =>
              restoreNode(
                n,
                found.before[n.name]!,
                now[n.name]!,
                found.backups[n.name] ?? {},
                stepMs(f),
                io.log,
              ),
            undefined,
          ),
        )
      const after = await footprintStep(io, f, nodes)
      return nodes
        .filter((n) => after[n.name])
        .map((n) => ({
          node: n.name,
          before: found.before[n.name]!,
          after: after[n.name]!,
          differences: footprintDiff(found.before[n.name]!, after[n.name]!),
        }))
    }
    const target = f.config.teardownFault
      ? teardownFaultTarget(f.config.teardownFault, found.nodes)
      : undefined
    const targetNode = found.nodes.find((n) => n.name === target?.node)
    if (target && targetNode)
      await io.task(
        `teardown fault ${target.id}: ${simulates(target)}`,
        () => holdFile(targetNode, target.path),
        undefined,
      )
    report = await putBack(found.nodes)
    if (target && targetNode) {
      const judged = judgeTeardownFault(target, report)
      io.log(
        `teardown fault ${target.id}: ${judged.held ? 'held' : 'NOT HELD'}: the verdict said: ${judged.verdictWhileHeld}`,
      )
      await io.task(
        `teardown fault ${target.id}: the mount released`,
        () => releaseFile(targetNode, target.path),
        undefined,
      )
      const again = await putBack([targetNode])
      report = report.map((r) => again.find((a) => a.node === r.node) ?? r)
      fault = {
        ...target,
        simulates: simulates(target),
        ...judged,
        afterRelease: again.find((a) => a.node === target.node)?.differences ?? ['not read again'],
      }
    }
    for (const r of report)
      io.log(
        r.differences.length
          ? `NOT AS FOUND: ${r.node}: ${r.differences.join('; ')}`
          : `${r.node}: as found (${Object.keys(r.before.paths).length} paths, ${Object.values(r.before.images).flat().length} images, read before and after)`,
      )
  }
  await part(`namespace ${AGENT_NAMESPACE} (node agents)`, () => deleteNamespace(io, f, AGENT_NAMESPACE))
  return { report, fault }
}
