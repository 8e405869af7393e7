// Where the Dragonfly release goes: its Helm release name and namespace, and the node the central
// workloads are placed on. A leaf (it imports nothing) below helm-values.ts and manager-backends.ts:
// the values name the manager's backends, and the backends' manifests need the namespace and the
// placement, so both take these from here instead of importing each other.

export const DRAGONFLY_RELEASE = 'dragonfly'
export const DRAGONFLY_NAMESPACE = 'dragonfly-system'

/** Where a chart workload may run (Kubernetes nodeSelector and tolerations). */
export interface Placement {
  nodeSelector: Record<string, string>
  tolerations: { key: string; operator: 'Exists'; effect: 'NoSchedule' }[]
}

/**
 * The control-plane node, as the local profile lays Dragonfly out: the seed peer's origin traffic
 * leaves from that node's address, so the origin's log tells it apart from the workers' own fetches.
 */
export const CONTROL_PLANE_PLACEMENT: Placement = {
  nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
  tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
}
