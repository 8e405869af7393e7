// What the preflight probe pod (render/node-probe.ts) read on a node, and whether the run can use
// that node: /dev/fuse for the snapshotter's mounts, overlay for containerd's layers, and every
// port the run binds on the node's network still free. The pods are deleted, with their namespace,
// before preflight answers: a refused cluster is left as it was.
import path from 'node:path'
import type { PreflightProblem } from '../profiles/profile.ts'
import { DFDAEMON_PORTS } from '../render/ports.ts'
import { yamlText } from '../render/format.ts'
import { AGENT_NAMESPACE, agentNamespace } from '../render/node-agent.ts'
import { PROBE_LABELS, probePodName, renderNodeProbe } from '../render/node-probe.ts'
import { initContainerImagePin } from '../kind/images.ts'
import { kube as kubectl } from '../kind/commands.ts'
import { podDetail } from '../kind/readiness.ts'
import { listPods } from '../kind/k8s.ts'
import type { StepIO } from '../kind/step-io.ts'
import { labelSelector } from '../render/index.ts'
import { waitFor } from '../base/wait.ts'
import { clusterCommands } from './commands.ts'
import type { ChosenNode } from './nodes.ts'
import type { ClusterFlow } from './flow.ts'

export interface ProbeReading {
  kernel: string
  machine: string
  fuse: boolean
  filesystems: string[]
  /** ports with a listening TCP socket (IPv4 or IPv6) */
  tcp: number[]
  /** ports with a bound UDP socket */
  udp: number[]
  /** the script ran to its end (a cut-off output judges nothing) */
  complete: boolean
}

export interface NeededPort {
  port: number
  protocol: 'tcp' | 'udp'
  what: string
}

/** The ports the run binds on a node's own network: the origin on the builder, dfdaemon (hostNetwork) on workers. */
export function neededPorts(role: ChosenNode['role'], registryPort: number): NeededPort[] {
  if (role === 'control-plane')
    return [{ port: registryPort, protocol: 'tcp', what: 'the origin registry pod (hostNetwork)' }]
  const d = DFDAEMON_PORTS
  return [
    { port: d.upload, protocol: 'tcp', what: "dfdaemon's upload server (peers fetch pieces here)" },
    { port: d.proxy, protocol: 'tcp', what: "dfdaemon's proxy (the snapshotter's mirror)" },
    { port: d.metrics, protocol: 'tcp', what: "dfdaemon's metrics" },
    { port: d.health, protocol: 'tcp', what: "dfdaemon's health" },
    { port: d.stats, protocol: 'tcp', what: "dfdaemon's stats server" },
    { port: d.storageTcp, protocol: 'tcp', what: "dfdaemon's storage server (TCP)" },
    { port: d.storageQuic, protocol: 'udp', what: "dfdaemon's storage server (QUIC)" },
  ]
}

/** `0100007F:0FA1` → 4001 */
const portOf = (address: string | undefined): number | undefined => {
  const hex = address?.split(':').pop()
  return hex && /^[0-9A-Fa-f]{4}$/.test(hex) ? parseInt(hex, 16) : undefined
}

export function parseProbe(text: string): ProbeReading {
  const r: ProbeReading = {
    kernel: '',
    machine: '',
    fuse: false,
    filesystems: [],
    tcp: [],
    udp: [],
    complete: false,
  }
  const tcp = new Set<number>()
  const udp = new Set<number>()
  for (const line of text.split('\n')) {
    const [head, ...rest] = line.trim().split(/\s+/)
    if (head === 'kernel') r.kernel = rest.join(' ')
    else if (head === 'machine') r.machine = rest.join(' ')
    else if (head === 'fuse') r.fuse = rest[0] === 'present'
    else if (head === 'filesystem' && rest.length) r.filesystems.push(rest[rest.length - 1]!)
    else if (head === 'end') r.complete = true
    else if (head === 'tcp' || head === 'tcp6') {
      // sl local_address rem_address st …: 0A is LISTEN
      const port = portOf(rest[1])
      if (port !== undefined && rest[3] === '0A') tcp.add(port)
    } else if (head === 'udp' || head === 'udp6') {
      const port = portOf(rest[1])
      if (port !== undefined) udp.add(port)
    }
  }
  r.tcp = [...tcp].sort((a, b) => a - b)
  r.udp = [...udp].sort((a, b) => a - b)
  return r
}

/** Why the run cannot use this node, each a line a person can act on; empty: it can. */
export function probeProblems(node: string, reading: ProbeReading, needed: NeededPort[]): PreflightProblem[] {
  if (!reading.complete)
    return [
      {
        what: `the probe pod on ${node} did not print all it reads`,
        fix: `see its output: kubectl -n ${AGENT_NAMESPACE} logs -l ${labelSelector(PROBE_LABELS)}`,
      },
    ]
  const out: PreflightProblem[] = []
  if (!reading.fuse)
    out.push({
      what: `node ${node} has no /dev/fuse: the stargz snapshotter mounts every lazily pulled layer through FUSE`,
      fix: `load the fuse module on the node (modprobe fuse), or choose nodes that have it with D7Y_NODE_SELECTOR`,
    })
  if (!reading.filesystems.includes('overlay'))
    out.push({
      what: `node ${node}'s kernel (${reading.kernel}) lists no overlay filesystem: the snapshotter stacks the layers with overlayfs`,
      fix: 'load the overlay module on the node (modprobe overlay), or choose other nodes',
    })
  for (const p of needed) {
    const bound = p.protocol === 'tcp' ? reading.tcp : reading.udp
    if (bound.includes(p.port))
      out.push({
        what: `node ${node}: ${p.protocol.toUpperCase()} port ${p.port} is already bound on the node's network, and the run needs it for ${p.what}`,
        fix: `free the port on ${node} (e.g. an earlier Dragonfly), or choose other nodes with D7Y_NODE_SELECTOR / D7Y_BUILDER_NODE`,
      })
  }
  return out
}

export const probeFile = (f: ClusterFlow) => path.join(f.ctx.layout.dir, 'node-probe.yaml')

/** One line of what the probe read on a node, for the run's log. */
export function probeSummary(node: string, r: ProbeReading, needed: NeededPort[]): string {
  const taken = needed.filter((p) => (p.protocol === 'tcp' ? r.tcp : r.udp).includes(p.port))
  return `${node}: kernel ${r.kernel} (${r.machine}), /dev/fuse ${r.fuse ? 'present' : 'ABSENT'}, overlay ${r.filesystems.includes('overlay') ? 'present' : 'ABSENT'}, ${needed.length - taken.length}/${needed.length} needed ports free (${needed.map((p) => `${p.protocol} ${p.port}`).join(', ')})`
}

/**
 * The probe: its namespace and one pod per chosen node, each awaited until it has run, its output
 * read through the API, then the namespace deleted again. Returns each node's reading.
 */
export async function probeStep(
  io: StepIO,
  f: ClusterFlow,
  chosen: ChosenNode[],
): Promise<Map<string, ProbeReading>> {
  const image = initContainerImagePin(f.config).ref
  const pods = chosen.map((n, index) => renderNodeProbe({ image, node: n.name, index }))
  await io.write(probeFile(f), [agentNamespace(), ...pods].map((d) => yamlText(d)).join('---\n'))
  try {
    await io.run(kubectl.apply(f.ctx, probeFile(f)))
    return await io.wait(
      `each probe pod Succeeded (API, polled), its output read through the API`,
      async () => {
        await waitFor(
          'the probe pods to finish',
          async () => {
            const ps = await listPods(f.kube(), AGENT_NAMESPACE, labelSelector(PROBE_LABELS))
            const failed = ps.filter((p) => p.status?.phase === 'Failed')
            if (failed.length) throw new Error(`probe pod failed: ${failed.map(podDetail).join('; ')}`)
            const running = ps.filter((p) => p.status?.phase !== 'Succeeded')
            if (running.length || ps.length < chosen.length)
              throw new Error(`not done: ${running.map(podDetail).join('; ') || 'pods not listed yet'}`)
            return true
          },
          { timeoutMs: Math.min(f.config.stepTimeoutMinutes, 3) * 60_000, intervalMs: 1000 },
        )
        const out = new Map<string, ProbeReading>()
        for (const [index, n] of chosen.entries()) {
          const text = await f.kube().core.readNamespacedPodLog({
            name: probePodName(index),
            namespace: AGENT_NAMESPACE,
          })
          out.set(n.name, parseProbe(text))
        }
        return out
      },
      new Map(),
    )
  } finally {
    await io.run(clusterCommands.deleteNamespace(f.ctx, AGENT_NAMESPACE), { allowFailure: true })
  }
}
