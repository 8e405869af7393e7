// The stargz snapshotter commits a remote layer under its bare chain id ("sha256:<chain id>"), outside
// containerd's namespaces (its backend, listed through its own socket, shows "k8s.io/2/sha256:…" for
// a snapshot containerd made and "sha256:…" for one it committed itself). Every namespace's snapshot of
// that chain id is then that one layer mount, and containerd's garbage collection leaves it when the
// images go (kind run, 2026-12-05). Copies of the image with fresh blobs keep their diff ids, so a
// later pull of any copy in any namespace was mounted from the first copy's layer, and its own layer
// was discarded half-fetched (the journal: "failed to fetch whole layer … blob is already closed").
// A cold pull on a node that keeps its snapshots (kind) removes the bare ones no namespace uses.
import { ctrTable } from './ctr-table.ts'

/** The KEY and PARENT columns of `ctr snapshots ls`. */
export function snapshotRows(lsOutput: string): { key: string; parent: string }[] {
  const { header, rows } = ctrTable(lsOutput, 'ctr snapshots ls', ['KEY', 'PARENT'])
  if (header.length && (header[0] !== 'KEY' || header[1] !== 'PARENT'))
    throw new Error(`not a 'ctr snapshots ls' table: ${header.join(' ')}`)
  // PARENT may be empty: the row is then KEY KIND
  return rows.map((cols) => ({ key: cols[0]!, parent: cols.length >= 3 ? cols[1]! : '' }))
}

const BARE_CHAIN_ID = /^sha256:[0-9a-f]{64}$/

/**
 * The backend's bare layer snapshots that no namespace lists, children before their parents (a parent
 * cannot be removed while a child exists). `used`: every snapshot name the namespaces list.
 */
export function unusedRemoteLayers(
  backend: { key: string; parent: string }[],
  used: Iterable<string>,
): string[] {
  const inUse = new Set(used)
  let left = backend.filter((r) => BARE_CHAIN_ID.test(r.key) && !inUse.has(r.key))
  const order: string[] = []
  while (left.length) {
    const parents = new Set(backend.filter((r) => !order.includes(r.key)).map((r) => r.parent))
    const leaves = left.filter((r) => !parents.has(r.key))
    // a layer kept alive by a child some namespace uses stays (and so does everything below it)
    if (leaves.length === 0) break
    order.push(...leaves.map((r) => r.key))
    left = left.filter((r) => !order.includes(r.key))
  }
  return order
}
