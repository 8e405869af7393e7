// Whether each peer can open a TCP connection to every other peer's dfdaemon upload port, tried from
// inside the node (so the node's own firewall and the target's both apply). Peers exchange pieces
// over that port; the scheduler triggers the seed peer over it too. A dfdaemon can be healthy on its
// health port and still unreachable here (a firewall or network policy between nodes).
import { exec, type Node } from '../profiles/node.ts'

export interface PeerLink {
  from: string
  to: string
  /** ip:port tried */
  address: string
  ok: boolean
  /** 'connected', 'no answer within Ns (dropped)', or the shell's error text (e.g. Connection refused) */
  detail: string
}

/** Tries every target from one node; prints one line per target: `<ip:port> ok|<rc> <error text>`. */
const PROBE_SCRIPT = `
t=$1; shift
for a in "$@"; do
  if err=$(timeout "$t" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "\${a%:*}" "\${a#*:}" 2>&1); then
    echo "$a ok"
  else
    echo "$a $? $(printf %s "$err" | tr '\\n' ' ' | cut -c1-200)"
  fi
done`

/** The command run inside a node: tries each `ip:port` target with a `timeoutS` connect timeout. */
export function probeCommand(timeoutS: number, targets: string[]): string[] {
  return ['bash', '-c', PROBE_SCRIPT, 'probe', String(timeoutS), ...targets]
}

/** One line of the probe's output as a link (undefined for lines it did not write). */
export function parseProbeLine(
  line: string,
  from: string,
  nameOf: (address: string) => string | undefined,
  timeoutS: number,
): PeerLink | undefined {
  const m = /^(\S+:\d+) (ok|\d+)(?: (.*))?$/.exec(line.trim())
  if (!m) return undefined
  const [, address, result, text] = m as unknown as [string, string, string, string | undefined]
  const to = nameOf(address)
  if (!to) return undefined
  if (result === 'ok') return { from, to, address, ok: true, detail: 'connected' }
  const detail =
    result === '124'
      ? `no answer within ${timeoutS}s (packets dropped)`
      : (text ?? '').replace(/^.*?: (?=[A-Z][a-z]+ [a-z]+$)/, '').trim() || `exit ${result}`
  return { from, to, address, ok: false, detail }
}

/**
 * Every ordered pair of distinct peers, tried in parallel per source node. `addresses`: where a
 * node's peer really listens when not on the node's own address (kind: the seed peer is a pod).
 */
export async function probePeerLinks(
  peers: Node[],
  port: number,
  timeoutS = 3,
  addresses: Record<string, string> = {},
): Promise<PeerLink[]> {
  const ip = (p: Node) => addresses[p.name] ?? p.ip
  const byAddress = new Map(peers.map((p) => [`${ip(p)}:${port}`, p.name]))
  const perNode = await Promise.all(
    peers.map(async (from) => {
      const targets = peers.filter((p) => p !== from).map((p) => `${ip(p)}:${port}`)
      if (!targets.length) return []
      const r = await exec(from, probeCommand(timeoutS, targets), {
        allowFailure: true,
        timeoutMs: (targets.length * timeoutS + 30) * 1000,
      })
      return r.stdout
        .split('\n')
        .map((l) => parseProbeLine(l, from.name, (a) => byAddress.get(a), timeoutS))
        .filter((l): l is PeerLink => l !== undefined)
    }),
  )
  return perNode.flat()
}

/** "worker → worker2 (172.18.0.4:4000): no answer within 3s (packets dropped)" */
export function linkLine(l: PeerLink): string {
  return `${l.from} → ${l.to} (${l.address}): ${l.detail}`
}
