// kind's node containers as helpers/profiles/node.ts Nodes: name and container are the Kubernetes node name
// (kind names both alike), the role comes from kind's container label, the IP from the `kind` network.
import type { Node } from '../profiles/node.ts'

/** Node container names as kind gives them: <cluster>-control-plane, <cluster>-worker, -worker2, ... */
export function kindNodeNames(clusterName: string, workers: number): { name: string; role: Node['role'] }[] {
  return [
    { name: `${clusterName}-control-plane`, role: 'control-plane' },
    ...Array.from({ length: workers }, (_, i) => ({
      name: `${clusterName}-worker${i === 0 ? '' : i + 1}`,
      role: 'worker' as const,
    })),
  ]
}

/** One node from `docker inspect` output "<role label> <ip>". */
export function parseNodeInfo(container: string, output: string): Node {
  const [role, ip] = output.trim().split(/\s+/)
  if (role !== 'control-plane' && role !== 'worker')
    throw new Error(`${container} has kind role ${JSON.stringify(role ?? '')}: not a kind node?`)
  if (!ip || ip === '<no' || !/^[\d.]+$|:/.test(ip))
    throw new Error(
      `${container} has no address on the kind network (docker inspect said ${JSON.stringify(output.trim())})`,
    )
  return { name: container, container, role, ip }
}

/** The control-plane first, then workers in kind's order (worker, worker2, ..., worker10). */
export function sortNodes(nodes: Node[]): Node[] {
  const rank = (n: Node) => {
    if (n.role === 'control-plane') return -1
    const m = /-worker(\d*)$/.exec(n.name)
    return m ? Number(m[1] || '1') : Number.MAX_SAFE_INTEGER
  }
  return [...nodes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}

/** Container names from `kind get nodes` output (it prints a notice instead when there are none). */
export function parseKindNodes(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z0-9][a-z0-9.-]*$/.test(l))
}
