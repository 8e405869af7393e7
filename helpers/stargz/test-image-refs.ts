// Which of a node's image names belong to the test images, from `ctr images ls` (kind nodes keep the
// cluster's own images beside them). A test image is one whose registry is addressed with a port (the
// origin; the cluster's images come from registries without one). All of its names count: the CRI
// keeps an image id ref ("sha256:<config digest>") beside the registry name, and that name alone keeps
// the layers' snapshots, so a later pull of the same layer reuses the snapshotter's mounted layer
// instead of fetching it (kind's negative control, 2026-12-05: 0.4 MiB per node instead of the layer).
import { ctrTable } from './ctr-table.ts'

const FROM_A_REGISTRY_WITH_PORT = /^[^/]+:[0-9]+\//

/** `ctr images ls` rows as name and target digest (columns REF TYPE DIGEST …). */
export function imageRows(lsOutput: string): { ref: string; digest: string }[] {
  const { header, rows } = ctrTable(lsOutput, 'ctr images ls', ['REF', 'DIGEST'])
  const refAt = header.indexOf('REF')
  const digestAt = header.indexOf('DIGEST')
  return rows.map((cols) => ({ ref: cols[refAt]!, digest: cols[digestAt]! }))
}

/** Every name (registry names and id refs) of the images pulled from a registry with a port. */
export function testImageRefs(lsOutput: string): string[] {
  const rows = imageRows(lsOutput)
  const targets = new Set(rows.filter((r) => FROM_A_REGISTRY_WITH_PORT.test(r.ref)).map((r) => r.digest))
  return rows.filter((r) => targets.has(r.digest)).map((r) => r.ref)
}
