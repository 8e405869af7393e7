// The cluster through @kubernetes/client-node: one set of API clients per kubeconfig, and the
// conditions the profile waits for (every node Ready, every workload rolled out and ready, pods
// replaced), each polled with a deadline and reported by name when it is not met.
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { waitFor } from '../base/wait.ts'
import {
  daemonSetReadiness,
  deploymentReadiness,
  nodesReadiness,
  podReady,
  statefulSetReadiness,
  type WorkloadReadiness,
} from './readiness.ts'

export interface Kube {
  core: CoreV1Api
  apps: AppsV1Api
  discovery: DiscoveryV1Api
}

export function kubeFrom(kubeconfigPath: string): Kube {
  const kc = new KubeConfig()
  kc.loadFromFile(kubeconfigPath)
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  }
}

export async function waitForNodesReady(kube: Kube, expected: number, timeoutMs: number): Promise<void> {
  let last = ''
  await waitFor(
    `${expected} kind nodes to be Ready`,
    async () => {
      const r = nodesReadiness((await kube.core.listNode()).items, expected)
      last = r.detail
      if (!r.ready) throw new Error(last)
      return true
    },
    { timeoutMs, intervalMs: 2000 },
  )
}

export async function workloadsReadiness(kube: Kube, namespace: string): Promise<WorkloadReadiness[]> {
  const [deployments, statefulSets, daemonSets] = await Promise.all([
    kube.apps.listNamespacedDeployment({ namespace }),
    kube.apps.listNamespacedStatefulSet({ namespace }),
    kube.apps.listNamespacedDaemonSet({ namespace }),
  ])
  return [
    ...deployments.items.map(deploymentReadiness),
    ...statefulSets.items.map(statefulSetReadiness),
    ...daemonSets.items.map(daemonSetReadiness),
  ]
}

/** Every Deployment, StatefulSet and DaemonSet of the namespace rolled out and ready (at least one). */
export async function waitForWorkloads(
  kube: Kube,
  namespace: string,
  timeoutMs: number,
  log: (line: string) => void = () => {},
): Promise<WorkloadReadiness[]> {
  let reported = ''
  return waitFor(
    `every workload in ${namespace} to be ready`,
    async () => {
      const all = await workloadsReadiness(kube, namespace)
      const pending = all.filter((w) => !w.ready)
      const line = pending.map((w) => `${w.kind}/${w.name} ${w.detail}`).join('; ')
      if (line && line !== reported) log(`waiting: ${line}`)
      reported = line
      if (all.length === 0) throw new Error(`no workloads in ${namespace} yet`)
      if (pending.length > 0) throw new Error(`not ready: ${line}`)
      return all
    },
    { timeoutMs, intervalMs: 2000 },
  )
}

export async function listPods(kube: Kube, namespace: string, labelSelector?: string): Promise<V1Pod[]> {
  return (await kube.core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) })).items
}

/**
 * After pods were deleted or their controller paused and resumed: `count` pods match the selector,
 * none of them one of `oldUids`, all ready.
 */
export async function waitForReplacedPods(
  kube: Kube,
  namespace: string,
  labelSelector: string,
  oldUids: ReadonlySet<string>,
  count: number,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    `${count} new ready pod(s) for ${labelSelector} in ${namespace}`,
    async () => {
      const pods = (await listPods(kube, namespace, labelSelector)).filter(
        (p) => !p.metadata?.deletionTimestamp,
      )
      const fresh = pods.filter((p) => !oldUids.has(p.metadata?.uid ?? ''))
      if (fresh.length !== pods.length)
        throw new Error(`${pods.length - fresh.length} old pod(s) still there`)
      if (fresh.length < count || !fresh.every(podReady))
        throw new Error(`${fresh.filter(podReady).length}/${count} new pods ready`)
      return true
    },
    { timeoutMs, intervalMs: 2000 },
  )
}

/** No pod matches the selector (on `node` only, when given). */
export async function waitForNoPods(
  kube: Kube,
  namespace: string,
  labelSelector: string,
  timeoutMs: number,
  node?: string,
): Promise<void> {
  await waitFor(
    `no pods left for ${labelSelector} in ${namespace}${node ? ` on ${node}` : ''}`,
    async () => {
      const left = (await listPods(kube, namespace, labelSelector)).filter(
        (p) => node === undefined || p.spec?.nodeName === node,
      )
      const n = left.length
      if (n > 0) throw new Error(`${n} pod(s) still there`)
      return true
    },
    { timeoutMs, intervalMs: 1000 },
  )
}
