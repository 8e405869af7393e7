// Preflight on a cluster the suite did not create: everything read (the kubeconfig, the API, the
// nodes' own reports), nothing left on the cluster (the probe pods go with their namespace). It
// refuses, with why, a cluster it cannot judge: too few usable workers, a runtime other than containerd, another architecture than the
// binaries the suite brings, a Dragonfly or an earlier run already there; then a probe pod on each
// chosen node (probe.ts) for what the API does not say: /dev/fuse, overlay, the ports the run binds.
import { existsSync } from 'node:fs'
import type { V1Node } from '@kubernetes/client-node'
import type { Config } from '../run/config.ts'
import type { PreflightProblem } from '../profiles/profile.ts'
import { findOnPath } from '../tools/find-on-path.ts'
import { liveIO } from '../kind/step-io.ts'
import { DRAGONFLY_NAMESPACE } from '../render/index.ts'
import { AGENT_NAMESPACE } from '../render/node-agent.ts'
import { ociArch } from '../image/layer-image.ts'
import { chooseNodes } from './nodes.ts'
import { foundStateFile, kubeconfigStep, type ClusterFlow } from './flow.ts'
import { cachedRootfsLayer } from '../image/layer-image.ts'
import { testImageRecipe } from '../image/test-image.ts'
import { initContainerImagePin } from '../kind/images.ts'
import { neededPorts, probeProblems, probeStep, probeSummary } from './probe.ts'

export type ClusterTool = 'kubectl' | 'helm' | 'nerdctl' | 'stargz'

export interface ClusterPreflightDeps {
  tool(t: ClusterTool): Promise<{ version: string } | Error>
  flow(): Promise<ClusterFlow>
}

/** Problems with the chosen nodes as the API describes them: runtime and architecture. */
export function nodeProblems(nodes: V1Node[], arch: string): PreflightProblem[] {
  const out: PreflightProblem[] = []
  for (const n of nodes) {
    const info = n.status?.nodeInfo
    const name = n.metadata?.name ?? '?'
    if (!info?.containerRuntimeVersion?.startsWith('containerd://'))
      out.push({
        what: `node ${name} runs ${info?.containerRuntimeVersion ?? 'an unknown runtime'}`,
        fix: 'the stargz snapshotter is a containerd plugin: choose containerd nodes with D7Y_NODE_SELECTOR',
      })
    if (info && info.architecture !== arch)
      out.push({
        what: `node ${name} is ${info.architecture}, the suite's binaries are built for ${arch}`,
        fix: `choose ${arch} nodes with D7Y_NODE_SELECTOR, or run the suite from a ${info.architecture} machine`,
      })
  }
  return out
}

export async function clusterPreflight(
  config: Config,
  deps: ClusterPreflightDeps,
  log: (line: string) => void = (l) => console.log(`preflight: ${l}`),
): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = []
  for (const t of ['kubectl', 'helm', 'nerdctl', 'stargz'] as const) {
    const r = await deps.tool(t)
    if (r instanceof Error)
      problems.push({
        what: `${t} cannot be obtained: ${r.message}`,
        fix: `npx tsx helpers/tools/build-all.ts ${t}`,
      })
  }
  if (problems.some((p) => p.what.startsWith('kubectl'))) return problems
  const f = await deps.flow()
  try {
    await kubeconfigStep(
      liveIO(() => {}),
      f,
    )
  } catch (err) {
    problems.push({
      what: `the kubeconfig (${config.kubeconfig ?? '~/.kube/config'}${config.kubeContext ? `, context ${config.kubeContext}` : ''}) cannot be read: ${(err as Error).message.split('\n').pop()}`,
      fix: 'set KUBECONFIG to a kubeconfig file and D7Y_KUBE_CONTEXT to one of its contexts',
    })
    return problems
  }
  let all: V1Node[]
  try {
    all = (await f.kube().core.listNode()).items
  } catch (err) {
    problems.push({
      what: `the cluster's API does not answer with these credentials: ${(err as Error).message.split('\n')[0]}`,
      fix: 'check the context with: kubectl get nodes',
    })
    return problems
  }
  const selected = (await f.kube().core.listNode({ labelSelector: config.nodeSelector })).items
  const chosen = chooseNodes(all, selected, {
    workers: config.workers,
    selector: config.nodeSelector,
    ...(config.builderNode ? { builder: config.builderNode } : {}),
  })
  if ('problems' in chosen)
    for (const p of chosen.problems)
      problems.push({ what: p, fix: 'D7Y_NODE_SELECTOR, D7Y_WORKERS, D7Y_BUILDER_NODE' })
  else
    problems.push(
      ...nodeProblems(
        all.filter((n) => chosen.nodes.some((c) => c.name === n.metadata?.name)),
        ociArch(),
      ),
    )
  for (const ns of [DRAGONFLY_NAMESPACE, AGENT_NAMESPACE]) {
    const there = await f
      .kube()
      .core.readNamespace({ name: ns })
      .then(() => true)
      .catch(() => false)
    if (there)
      problems.push(
        ns === DRAGONFLY_NAMESPACE
          ? {
              what: `namespace ${ns} exists: a Dragonfly is already installed in this cluster`,
              fix: 'the suite installs its own and removes it afterwards: run it on a cluster without one',
            }
          : {
              what: `namespace ${ns} exists: an earlier run's node agents${existsSync(foundStateFile(config)) ? ` (its record of the nodes as found: ${foundStateFile(config)})` : ''}`,
              fix: `let that run finish, or remove them: kubectl delete namespace ${ns}`,
            },
      )
  }
  // the probe only where nothing else refused the cluster: a refused run creates nothing
  if (!problems.length && 'nodes' in chosen) {
    try {
      const readings = await probeStep(liveIO(log), f, chosen.nodes)
      for (const n of chosen.nodes) {
        const reading = readings.get(n.name)
        const needed = neededPorts(n.role, config.registryPort)
        if (!reading) {
          problems.push({ what: `no probe reading from ${n.name}`, fix: 'see the probe pod above' })
          continue
        }
        log(`probe ${probeSummary(n.name, reading, needed)}`)
        problems.push(...probeProblems(n.name, reading, needed))
      }
    } catch (err) {
      problems.push({
        what: `the probe pods did not run: ${(err as Error).message.split('\n')[0]}`,
        fix: `they run the init-container image ${initContainerImagePin(config).ref} on each chosen node: the nodes must be able to pull it (D7Y_INIT_CONTAINER_IMAGE)`,
      })
    }
  }
  const root = process.getuid?.() === 0
  const debootstrap = findOnPath('debootstrap', process.env.PATH) !== undefined
  const cached = await cachedRootfsLayer(testImageRecipe(config.image), config.cacheDir)
  if (!cached && (!root || !debootstrap))
    problems.push({
      what: `the test image is built here by debootstrap without a container engine: ${!root ? 'not root' : 'no debootstrap'}`,
      fix: 'run as root with debootstrap installed (apt-get install debootstrap)',
    })
  return problems
}
