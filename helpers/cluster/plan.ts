// The cluster profile's dry-run plan: its own steps (flow.ts) recorded instead of run, so the plan
// and the run cannot drift apart. What the run decides from the cluster (node names, pod names,
// addresses) shows as <placeholders>; the chapters shared with kind are named, not repeated.
import { recordingIO, type RecordedStep, type StepIO } from '../kind/step-io.ts'
import type { Config } from '../run/config.ts'
import type { Node } from '../profiles/node.ts'
import { kindLayout } from '../kind/layout.ts'
import { NAMED_BINARIES, commandLine, type KindContext } from '../kind/commands.ts'
import { registryHost } from '../render/stargz-config.ts'
import { chartStep, peerServiceStep } from '../kind/flow.ts'
import { servicesRecipe } from '../kind/workload-images.ts'
import { debian, recipeTag } from '../local/rootfs-image.ts'
import { NERDCTL_PATH } from '../image/nerdctl.ts'
import type { PlanStep } from '../kind/plan.ts'
import {
  agentStep,
  chosenNodes,
  footprintStep,
  kubeconfigStep,
  originNameStep,
  originStep,
  teardownStep,
  type ClusterFlow,
} from './flow.ts'
import { clusterCommands } from './commands.ts'
import { neededPorts, probeStep } from './probe.ts'
import { DFDAEMON_PORTS } from '../render/ports.ts'

export async function clusterPlan(config: Config): Promise<PlanStep[]> {
  const ctx: KindContext = { config, bin: NAMED_BINARIES, layout: kindLayout(config) }
  const f: ClusterFlow = {
    config,
    ctx,
    kube: () => {
      throw new Error('the plan never calls the API')
    },
  }
  const steps: PlanStep[] = []
  const step = async <T>(name: string, title: string, body: (io: StepIO) => Promise<T>): Promise<T> => {
    const rec: RecordedStep = { commands: [], files: [] }
    const out = await body(recordingIO(rec))
    steps.push({ step: name, title, ...rec })
    return out
  }
  await step(
    'preflight',
    'read only: the kubeconfig, the API, the nodes, a probe pod on each (nothing left behind)',
    async (io) => {
      await kubeconfigStep(io, f)
      io.note(
        `refused, with why: fewer than ${config.workers} Ready schedulable workers matching ${config.nodeSelector}; no builder; a runtime other than containerd; another architecture; namespace dragonfly-system or d7y-conformance present; no debootstrap or root when the test layer is not cached`,
      )
      await probeStep(io, f, await chosenNodes(io, f))
      io.note(
        `then refused, with why: a node without /dev/fuse or overlay; a port the run binds already bound (builder: TCP ${config.registryPort}; workers: dfdaemon's TCP ${neededPorts(
          'worker',
          config.registryPort,
        )
          .filter((p) => p.protocol === 'tcp')
          .map((p) => p.port)
          .join(', ')}, UDP ${DFDAEMON_PORTS.storageQuic})`,
      )
    },
  )
  const nodes = await step(
    'nodes',
    'the chosen nodes, the node agent on each, and each node read as found',
    async (io) => {
      const n = await agentStep(io, f, await chosenNodes(io, f))
      await footprintStep(io, f, n)
      io.note('the files that exist are saved on this machine (found-state.json) for teardown')
      return n
    },
  )
  const builder = nodes[0]!
  await step('node-tools', 'nerdctl on every node, through its agent', async (io) => {
    io.note(`each node: kubectl exec -i <agent pod> -- nsenter … sh -c 'cat > ${NERDCTL_PATH}' < nerdctl`)
  })
  await step(
    'registry',
    'the origin registry: a hostNetwork pod on the builder, named on every node',
    async (io) => {
      const pod = await originStep(io, f, builder)
      await originNameStep(io, f, nodes, builder.ip)
      io.note(
        `${commandLine(clusterCommands.portForward(ctx, pod, 0, config.registryPort))}   # 0: a free loopback port, kept running`,
      )
    },
  )
  await step('dragonfly', 'MariaDB and Redis for the manager, then the chart', async (io) => {
    await chartStep(
      io,
      f,
      registryHost(config),
      { ip: builder.ip, hostnames: [config.registryName] },
      recipeTag(servicesRecipe(debian())),
    )
  })
  await step('peer-service', 'the peer NodePort Service', async (io) => {
    await peerServiceStep(
      io,
      f,
      nodes.filter((n: Node) => n.role === 'worker').map((n) => n.name),
      async () => [],
    )
  })
  await step(
    'stargz',
    'the snapshotter on every worker (chapter 30, as on kind, through the agents)',
    async (io) => {
      io.note('binary, config.toml, systemd unit, containerd config merged; systemctl restart containerd')
    },
  )
  await step(
    'image',
    'the test image: one debootstrapped layer pushed over HTTP, converted on the builder',
    async (io) => {
      io.note(
        'debootstrap (cached by recipe under layers/), then PUT layer, config and manifest through the port-forward',
      )
      io.note(`on ${builder.name}: nerdctl pull, nerdctl image convert --estargz --oci, nerdctl push`)
    },
  )
  await step('teardown', 'everything removed, every node put back and read again', async (io) => {
    await teardownStep(io, f, { nodes, before: {}, backups: {} }, [])
  })
  return steps
}
