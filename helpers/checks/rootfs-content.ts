// rootfs-content: what a container reads through the lazily pulled root filesystem is the image's
// content. Every regular file the pushed layers put into the rootfs (digests from this project's own
// eStargz validator, helpers/image/validate-layers.ts) is held against what `sha256sum` read inside a
// running container on each worker. A silent corruption on the P2P or ranged back-to-source path
// shows as "differs"; a chunk the snapshotter could not fetch or verify shows as a read error.
import { ESTARGZ_OWN_PATHS } from '../estargz/layer-listing.ts'
import { RUNTIME_FILES, type HashScope, type RootfsHashes } from '../image/rootfs-hash.ts'
import type { Verdict } from './verdict.ts'

export interface NodeHashes {
  node: string
  /** the container's exit code (sha256sum and find exit non-zero on any read error) */
  exitCode: number
  hashes: RootfsHashes
}

interface NodeFindings {
  node: string
  compared: number
  differs: string[]
  unreadable: string[]
  missing: string[]
  extra: string[]
  toolErrors: string[]
}

const SHOWN = 5
const list = (what: string, paths: string[]) =>
  paths.length
    ? [`${paths.length} ${what} (${paths.slice(0, SHOWN).join(', ')}${paths.length > SHOWN ? ', …' : ''})`]
    : []

function findings(expected: Record<string, string>, n: NodeHashes, scope: HashScope = 'all'): NodeFindings {
  const runtime = new Set([...RUNTIME_FILES, ...ESTARGZ_OWN_PATHS])
  const failed = new Map(n.hashes.errors.map((e) => [e.path, e.error]))
  const out: NodeFindings = {
    node: n.node,
    compared: 0,
    differs: [],
    unreadable: n.hashes.errors.map((e) => `${e.path}: ${e.error}`),
    missing: [],
    extra: [],
    toolErrors: n.hashes.other,
  }
  for (const [path, digest] of Object.entries(expected)) {
    if (runtime.has(path)) continue
    const seen = n.hashes.digests.get(path)
    if (seen === undefined) {
      // a sample leaves files out by design; an empty one is judged below
      if (!failed.has(path) && scope === 'all') out.missing.push(path)
      continue
    }
    out.compared++
    if (seen !== digest) out.differs.push(path)
  }
  for (const path of n.hashes.digests.keys())
    if (!(path in expected) && !runtime.has(path)) out.extra.push(path)
  return out
}

export function rootfsContent(
  expected: Record<string, string>,
  nodes: NodeHashes[],
  workers: number,
  scope: HashScope = 'all',
): Verdict {
  const total = Object.keys(expected).length
  if (total === 0)
    return {
      passed: false,
      diagnosis: 'cannot judge: no file digests from the pushed layers (estargz-valid did not list them)',
      evidence: { nodes: nodes.map((n) => n.node) },
    }
  const all = nodes.map((n) => findings(expected, n, scope))
  const problems = all.flatMap((f) => {
    const parts = [
      ...list('unreadable', f.unreadable),
      ...list('differ from the layers', f.differs),
      ...list('missing', f.missing),
      ...list('not in the image', f.extra),
      ...(f.toolErrors.length ? [`the hashing failed: ${f.toolErrors.slice(0, 2).join('; ')}`] : []),
      ...(f.compared === 0 && !f.unreadable.length && !f.toolErrors.length
        ? ['no file of the image was read']
        : []),
    ]
    return parts.length ? [`${f.node}: ${parts.join('; ')}`] : []
  })
  const absent = workers - nodes.length
  if (absent > 0) problems.push(`${absent} worker(s) did not hash their rootfs`)
  const cause = all.some((f) => f.unreadable.length)
    ? ' A read error through a lazily pulled rootfs means the snapshotter could not fetch or verify a chunk: see its journal on that worker.'
    : all.some((f) => f.differs.length)
      ? ' A file that reads back different bytes is silent corruption on the fetch path (P2P or ranged back-to-source).'
      : ''
  const evidence = {
    filesInImage: total,
    scope,
    runtimeFiles: RUNTIME_FILES,
    nodes: all.map((f) => ({
      node: f.node,
      compared: f.compared,
      differs: f.differs.slice(0, 50),
      unreadable: f.unreadable.slice(0, 50),
      missing: f.missing.slice(0, 50),
      extra: f.extra.slice(0, 50),
      toolErrors: f.toolErrors.slice(0, 10),
    })),
  }
  if (problems.length) return { passed: false, diagnosis: `${problems.join('; ')}.${cause}`, evidence }
  return {
    passed: true,
    diagnosis:
      scope === 'all'
        ? `every regular file of the image (${total}) read back with the pushed layers' content on ${all.map((f) => f.node).join(', ')}`
        : `a sample (every file of 1 MiB or more, every tenth of the rest) read back with the pushed layers' content: ${all.map((f) => `${f.node} ${f.compared} of ${total}`).join(', ')}`,
    evidence,
  }
}
