// Which nodes of an existing cluster the run uses: the workers the label selector chooses (the
// first D7Y_WORKERS of them by name) and one builder (D7Y_BUILDER_NODE, else the control-plane
// node when the API shows one), each with the address the others reach it at.
import type { V1Node } from '@kubernetes/client-node'

export interface ChosenNode {
  name: string
  ip: string
  role: 'control-plane' | 'worker'
}

export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane'

const internalIp = (n: V1Node): string | undefined =>
  n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address

const ready = (n: V1Node): boolean =>
  n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

/** The chosen nodes, or why the cluster cannot give them (each reason a line a person can act on). */
export function chooseNodes(
  all: V1Node[],
  selected: V1Node[],
  opts: { workers: number; selector: string; builder?: string },
): { nodes: ChosenNode[] } | { problems: string[] } {
  const problems: string[] = []
  const usable = selected
    .filter((n) => ready(n) && !n.spec?.unschedulable && internalIp(n))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
  const builderNode = opts.builder
    ? all.find((n) => n.metadata?.name === opts.builder)
    : all.find((n) => n.metadata?.labels?.[CONTROL_PLANE_LABEL] !== undefined)
  const workers = usable.filter((n) => n !== builderNode).slice(0, opts.workers)
  if (workers.length < opts.workers)
    problems.push(
      `D7Y_NODE_SELECTOR=${opts.selector} gives ${workers.length} Ready, schedulable worker(s) with an InternalIP (of ${selected.length} matching); the run needs D7Y_WORKERS=${opts.workers} (at least 2)`,
    )
  if (!builderNode)
    problems.push(
      opts.builder
        ? `D7Y_BUILDER_NODE=${opts.builder}: no such node`
        : 'no control-plane node is visible (managed clusters hide it): set D7Y_BUILDER_NODE to a node outside the selection that may convert the test image and run the origin registry',
    )
  else if (!ready(builderNode) || !internalIp(builderNode))
    problems.push(`builder node ${builderNode.metadata?.name}: not Ready or without an InternalIP`)
  if (problems.length) return { problems }
  return {
    nodes: [
      { name: builderNode!.metadata!.name!, ip: internalIp(builderNode!)!, role: 'control-plane' },
      ...workers.map((n) => ({ name: n.metadata!.name!, ip: internalIp(n)!, role: 'worker' as const })),
    ],
  }
}
