// Pure readings of Kubernetes objects: is a node Ready, is a workload rolled out and ready, which
// Dragonfly component is serving where, and which node each peer Service endpoint is on. Unit-tested
// on hand-made objects; the profile feeds them what the API returns.
import type {
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node'
import type { KnownHost } from '../evidence/scheduler-hosts.ts'
import type { ComponentStatus } from '../profiles/profile.ts'
import { CHART_COMPONENTS } from '../render/index.ts'

export function nodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** "2/3 nodes Ready (not ready: x)" style summary, and whether every expected node is there and Ready. */
export function nodesReadiness(nodes: V1Node[], expected: number): { ready: boolean; detail: string } {
  const notReady = nodes.filter((n) => !nodeReady(n)).map((n) => n.metadata?.name ?? '?')
  const readyCount = nodes.length - notReady.length
  return {
    ready: nodes.length >= expected && notReady.length === 0,
    detail:
      `${readyCount}/${expected} nodes Ready` +
      (notReady.length ? ` (not ready: ${notReady.join(', ')})` : ''),
  }
}

export interface WorkloadReadiness {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet'
  name: string
  ready: boolean
  detail: string
}

function generationSeen(obj: {
  metadata?: { generation?: number }
  status?: { observedGeneration?: number }
}) {
  return (obj.status?.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0)
}

export function deploymentReadiness(d: V1Deployment): WorkloadReadiness {
  const want = d.spec?.replicas ?? 1
  const s = d.status ?? {}
  const available = (s.conditions ?? []).find((c) => c.type === 'Available')
  const ready =
    generationSeen(d) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.readyReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    available?.status === 'True'
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '?',
    ready,
    detail: `${s.readyReplicas ?? 0}/${want} ready, ${s.updatedReplicas ?? 0} updated${available && available.status !== 'True' ? `; ${available.reason ?? ''} ${available.message ?? ''}`.trimEnd() : ''}`,
  }
}

export function statefulSetReadiness(st: V1StatefulSet): WorkloadReadiness {
  const want = st.spec?.replicas ?? 1
  const s = st.status ?? { replicas: 0 }
  const rolled = !s.updateRevision || s.currentRevision === s.updateRevision
  const ready =
    generationSeen(st) && (s.readyReplicas ?? 0) === want && (s.updatedReplicas ?? 0) === want && rolled
  return {
    kind: 'StatefulSet',
    name: st.metadata?.name ?? '?',
    ready,
    detail: `${s.readyReplicas ?? 0}/${want} ready, ${s.updatedReplicas ?? 0} updated${rolled ? '' : ', rollout in progress'}`,
  }
}

export function daemonSetReadiness(ds: V1DaemonSet): WorkloadReadiness {
  const s = ds.status ?? {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  }
  const want = s.desiredNumberScheduled
  const ready =
    generationSeen(ds) && want > 0 && s.numberReady === want && (s.updatedNumberScheduled ?? 0) === want
  return {
    kind: 'DaemonSet',
    name: ds.metadata?.name ?? '?',
    ready,
    detail: `${s.numberReady}/${want} ready, ${s.updatedNumberScheduled ?? 0} updated`,
  }
}

export function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** One line about a pod a person can act on: phase, readiness, restarts, and why a container waits. */
export function podDetail(pod: V1Pod): string {
  const name = pod.metadata?.name ?? '?'
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0)
  const waiting = statuses
    .filter((c) => c.state?.waiting?.reason)
    .map((c) => `${c.name}: ${c.state!.waiting!.reason}`)
  return (
    `pod ${name} on ${pod.spec?.nodeName ?? '(unscheduled)'}: ${pod.status?.phase ?? 'Unknown'}, ` +
    `${podReady(pod) ? 'ready' : 'not ready'}, ${restarts} restarts` +
    (waiting.length ? ` (${waiting.join('; ')})` : '')
  )
}

function componentOf(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.component
}

function live(pods: V1Pod[]): V1Pod[] {
  return pods.filter((p) => !p.metadata?.deletionTimestamp)
}

/**
 * Dragonfly's components from the namespace's pods: the scheduler, the seed peer, and a client on
 * every worker (a worker without a client pod is reported, not skipped).
 */
export function componentStatuses(pods: V1Pod[], workers: string[]): ComponentStatus[] {
  const current = live(pods)
  const one = (component: ComponentStatus['component'], label: string): ComponentStatus[] => {
    const matching = current.filter((p) => componentOf(p) === label)
    if (matching.length === 0)
      return [{ component, where: '(no pod)', ok: false, detail: `no pod with component=${label}` }]
    return matching.map((p) => ({
      component,
      where: p.spec?.nodeName ?? '(unscheduled)',
      ok: podReady(p),
      detail: podDetail(p),
    }))
  }
  const clients = current.filter((p) => componentOf(p) === CHART_COMPONENTS.client)
  return [
    ...one('scheduler', CHART_COMPONENTS.scheduler),
    ...one('seed-peer', CHART_COMPONENTS.seedClient),
    ...workers.map((w): ComponentStatus => {
      const pod = clients.find((p) => p.spec?.nodeName === w)
      return pod
        ? { component: 'client', where: w, ok: podReady(pod), detail: podDetail(pod) }
        : { component: 'client', where: w, ok: false, detail: `no client pod scheduled on ${w}` }
    }),
  ]
}

/** The pod of a component on a node (the ready one first), for logs and metrics. */
export function podOn(pods: V1Pod[], component: string, node?: string): V1Pod | undefined {
  const matching = live(pods).filter(
    (p) => componentOf(p) === component && (node === undefined || p.spec?.nodeName === node),
  )
  return matching.find(podReady) ?? matching[0]
}

/** Ready endpoints of a Service's EndpointSlices, by node. */
export function endpointsFromSlices(slices: V1EndpointSlice[]): { node: string; ip: string }[] {
  const out: { node: string; ip: string }[] = []
  for (const slice of slices)
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) continue
      const ip = e.addresses[0]
      if (e.nodeName && ip && !out.some((o) => o.node === e.nodeName && o.ip === ip))
        out.push({ node: e.nodeName, ip })
    }
  return out.sort((a, b) => a.node.localeCompare(b.node))
}

/**
 * A ready pod is not enough: a dfdaemon the scheduler does not know never gets a parent or serves
 * one (the local profile holds the same line). The scheduler logs each host's announcement with its
 * host id `{ip}-{hostname}` (evidence/scheduler-hosts.ts); a client or seed peer pod counts as known
 * when a host the scheduler holds starts with the pod's IP (the hostname part differs: node name for
 * host-network clients, pod name for the seed peer).
 */
export function withSchedulerHosts(
  statuses: ComponentStatus[],
  pods: V1Pod[],
  known: Map<string, KnownHost> | Error,
): ComponentStatus[] {
  const current = live(pods)
  const podOf = (s: ComponentStatus) =>
    s.component === 'seed-peer'
      ? current.find((p) => componentOf(p) === CHART_COMPONENTS.seedClient && p.spec?.nodeName === s.where)
      : current.find((p) => componentOf(p) === CHART_COMPONENTS.client && p.spec?.nodeName === s.where)
  return statuses.map((s) => {
    if (s.component === 'scheduler' || !s.ok) return s
    if (known instanceof Error)
      return { ...s, ok: false, detail: `${s.detail}; scheduler hosts unknown: ${known.message}` }
    const ip = podOf(s)?.status?.podIP
    const host = ip ? [...known.values()].find((h) => h.hostId.startsWith(`${ip}-`)) : undefined
    return host
      ? {
          ...s,
          detail: `${s.detail}; scheduler knows host ${host.hostId} (${host.announcements} announcements)`,
        }
      : {
          ...s,
          ok: false,
          detail: `${s.detail}; the scheduler does not know a host at ${ip ?? '(no pod IP)'}: no "announce host request" for it in its log`,
        }
  })
}
