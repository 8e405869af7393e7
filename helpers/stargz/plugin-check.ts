// Is the stargz snapshotter serving containerd on a node? `ctr plugin ls` cannot say: containerd
// (v2.2.1 cmd/containerd/server/server.go, LoadPlugins) registers each proxy_plugins entry with an
// InitFn that only creates a gRPC client for the socket (proxyClients.getClient → grpc.NewClient,
// which does not connect), so the plugin is "ok" whether or not anything listens on the socket.
// A snapshot listing through that plugin (`ctr snapshots --snapshotter stargz ls` → the snapshots
// service → the proxy snapshotter's Walk → List over the socket) is the first real round trip.
import { exec, type Node } from '../node.ts'

export const STARGZ_SNAPSHOTTER = 'stargz'

/** Any namespace does: the listing is a round trip to the snapshotter, its content does not matter. */
export const snapshotListArgv = (ns = 'default'): string[] => [
  'ctr',
  '-n',
  ns,
  'snapshots',
  '--snapshotter',
  STARGZ_SNAPSHOTTER,
  'ls',
]

export interface PluginRow {
  /** the stargz row's status in `ctr plugin ls` ("ok", "error", "absent") */
  status: string
  row: string
}

export interface SnapshotListing {
  ok: boolean
  /** the listing's first line (its header) when it answered, else its error */
  detail: string
}

/** The stargz row of `ctr plugin ls` output, e.g. "io.containerd.snapshotter.v1 stargz - ok". */
export function pluginRow(pluginLs: string): PluginRow {
  const row = pluginLs.split('\n').find((l) => /\bsnapshotter\b.*\sstargz\s/.test(l)) ?? ''
  return { status: row ? (row.trim().split(/\s+/).pop() ?? 'unknown') : 'absent', row: row.trim() }
}

export function snapshotListing(exitCode: number, stdout: string, stderr: string): SnapshotListing {
  const first = (t: string) => t.trim().split('\n')[0]?.trim() ?? ''
  return exitCode === 0
    ? { ok: true, detail: first(stdout) || '(no snapshots)' }
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

/** Each worker's plugin row and a snapshot listing through the plugin, with its install error if any. */
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
 * listing through it answered. An install error fails the check even when the rest looks fine
 * (a half-installed node), and is the diagnosis.
 */
export function stargzPluginVerdict(states: WorkerPluginState[]): { passed: boolean; diagnosis: string } {
  if (states.length === 0) return { passed: false, diagnosis: 'no worker to check' }
  const problems = states.flatMap((s) => {
    const why: string[] = []
    if (s.installError) why.push(`install failed: ${s.installError}`)
    if (s.plugin.status !== 'ok') why.push(`ctr plugin ls: ${s.plugin.status}`)
    if (!s.listing.ok) why.push(`snapshot listing through the plugin failed: ${s.listing.detail}`)
    return why.length ? [`${s.node} (${why.join('; ')})`] : []
  })
  if (problems.length)
    return {
      passed: false,
      diagnosis: `stargz snapshotter not serving on ${problems.join(', ')}: see 'journalctl -u stargz-snapshotter' and /etc/containerd/config.toml there`,
    }
  return {
    passed: true,
    diagnosis: `plugin ok and a snapshot listing through it answered on ${states.map((s) => s.node).join(', ')}`,
  }
}
