// Is the stargz snapshotter serving containerd on a node? `ctr plugin ls` cannot say: containerd
// (v2.2.1 cmd/containerd/server/server.go, LoadPlugins) registers each proxy_plugins entry with an
// InitFn that only creates a gRPC client for the socket (proxyClients.getClient → grpc.NewClient,
// which does not connect), so the plugin is "ok" whether or not anything listens on the socket.
// Nor can a snapshot listing: containerd serves `ctr snapshots ls` from its own metadata store (its
// metadata snapshotter walks its bolt database), and the fault catalog measured it answering with the
// snapshotter stopped. Preparing a snapshot does reach the backend (metadata Prepare calls the proxy
// snapshotter's Prepare over the socket): an empty snapshot is prepared and removed again in a
// namespace of its own, the first real round trip.
import { exec, type Node } from '../profiles/node.ts'

export const STARGZ_SNAPSHOTTER = 'stargz'

/** A namespace of the suite's own, so the probe touches no image state. */
export const PROBE_NAMESPACE = 'd7y-probe'

/** Prepare an empty snapshot through the plugin and remove it: a round trip to the snapshotter. */
export const snapshotListArgv = (ns = PROBE_NAMESPACE): string[] => [
  'sh',
  '-c',
  `k=d7y-probe-$$; ctr -n ${ns} snapshots --snapshotter ${STARGZ_SNAPSHOTTER} prepare "$k" >/dev/null && ctr -n ${ns} snapshots --snapshotter ${STARGZ_SNAPSHOTTER} rm "$k"`,
]

export interface PluginRow {
  /** the stargz row's status in `ctr plugin ls` ("ok", "error", "absent") */
  status: string
  row: string
}

export interface SnapshotListing {
  ok: boolean
  /** what the round trip printed, else its error */
  detail: string
}

/** The stargz row of `ctr plugin ls` output, e.g. "io.containerd.snapshotter.v1 stargz - ok". */
export function pluginRow(pluginLs: string): PluginRow {
  const row = pluginLs.split('\n').find((l) => /\bsnapshotter\b.*\sstargz\s/.test(l)) ?? ''
  return { status: row ? (row.trim().split(/\s+/).pop() ?? 'unknown') : 'absent', row: row.trim() }
}

export function snapshotListing(exitCode: number, stdout: string, stderr: string): SnapshotListing {
  // containerd's clients print deprecation warnings first; the error is the line that is not one
  const first = (t: string) =>
    t
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/level=warning/.test(l)) ?? ''
  return exitCode === 0
    ? { ok: true, detail: first(stdout) || 'an empty snapshot prepared and removed through the plugin' }
    : { ok: false, detail: first(stderr) || first(stdout) || `exit ${exitCode}` }
}

/** The stargz row of `ctr plugin ls`, e.g. "io.containerd.snapshotter.v1 stargz - ok". */
export async function stargzPlugin(node: Node): Promise<PluginRow> {
  const r = await exec(node, ['ctr', 'plugin', 'ls'], { allowFailure: true })
  return pluginRow(r.stdout)
}

export async function listStargzSnapshots(node: Node): Promise<SnapshotListing> {
  try {
    const r = await exec(node, snapshotListArgv(), { allowFailure: true, timeoutMs: 60_000 })
    return snapshotListing(r.exitCode, r.stdout, r.stderr)
  } catch (err) {
    return { ok: false, detail: (err as Error).message.split('\n')[0] ?? 'ctr failed' }
  }
}

export interface WorkerPluginState {
  node: string
  plugin: PluginRow
  listing: SnapshotListing
  /** the install step's error on this worker, when it threw */
  installError?: string
}

/** Each worker's plugin row and an empty snapshot prepared and removed through the plugin, with its install error if any. */
export async function workerPluginStates(
  workers: Node[],
  installErrors: ReadonlyMap<string, string> = new Map(),
): Promise<WorkerPluginState[]> {
  return Promise.all(
    workers.map(async (w) => ({
      node: w.name,
      plugin: await stargzPlugin(w),
      listing: await listStargzSnapshots(w),
      ...(installErrors.has(w.name) ? { installError: installErrors.get(w.name) } : {}),
    })),
  )
}

/**
 * `stargz-plugin`: on every worker the install step completed, the plugin is ok and a snapshot
 * snapshot prepared and removed through it. An install error fails the check even when the rest looks fine
 * (a half-installed node), and is the diagnosis.
 */
export function stargzPluginVerdict(states: WorkerPluginState[]): { passed: boolean; diagnosis: string } {
  if (states.length === 0) return { passed: false, diagnosis: 'no worker to check' }
  const problems = states.flatMap((s) => {
    const why: string[] = []
    if (s.installError) why.push(`install failed: ${s.installError}`)
    if (s.plugin.status !== 'ok') why.push(`ctr plugin ls: ${s.plugin.status}`)
    if (!s.listing.ok) why.push(`preparing a snapshot through the plugin failed: ${s.listing.detail}`)
    return why.length ? [`${s.node} (${why.join('; ')})`] : []
  })
  if (problems.length)
    return {
      passed: false,
      diagnosis: `stargz snapshotter not serving on ${problems.join(', ')}: see 'journalctl -u stargz-snapshotter' and /etc/containerd/config.toml there`,
    }
  return {
    passed: true,
    diagnosis: `plugin ok and a snapshot prepared and removed through it on ${states.map((s) => s.node).join(', ')}`,
  }
}
