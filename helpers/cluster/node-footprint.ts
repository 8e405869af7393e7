// What the suite may change on a node of a cluster it did not create, read before the run and again
// after teardown: each file's sha256 (or its absence), each directory's presence, and the images in
// containerd's namespaces. Teardown puts back what differs (restore.ts); the two readings side by
// side are the proof that the node is as it was found.
import { STARGZ_PATHS as RENDERED_PATHS } from '../render/ports.ts'
import { STARGZ_PATHS } from '../stargz/install.ts'
import { DFDAEMON_STORAGE_DIRS } from '../kind/reset.ts'
import { CERTS_D } from '../kind/cri-run.ts'
import { NERDCTL_PATH } from '../image/nerdctl.ts'

/** The state of one path: a file's sha256 and mode, `dir`, or `absent`. */
export type PathState = { kind: 'file'; sha256: string; mode: string } | { kind: 'dir' } | { kind: 'absent' }

export interface NodeFootprint {
  paths: Record<string, PathState>
  /** image references per containerd namespace */
  images: Record<string, string[]>
}

export const IMAGE_NAMESPACES = ['default', 'k8s.io'] as const

/** Every path the run writes on a node: files it replaces or adds, directories it creates. */
export function touchedPaths(registryHost: string): { files: string[]; dirs: string[] } {
  return {
    files: [
      STARGZ_PATHS.containerdConfig,
      '/etc/hosts',
      STARGZ_PATHS.binary,
      STARGZ_PATHS.config,
      STARGZ_PATHS.unit,
      RENDERED_PATHS.fuseManager,
      NERDCTL_PATH,
      `${CERTS_D}/${registryHost}/hosts.toml`,
    ],
    dirs: [
      `${CERTS_D}/${registryHost}`,
      '/etc/containerd-stargz-grpc',
      STARGZ_PATHS.root,
      ...DFDAEMON_STORAGE_DIRS,
    ],
  }
}

/** A shell script that prints one line per path: `<path>\t<file <sha256> <mode>|dir|absent>`, then images. */
export function footprintScript(
  paths: { files: string[]; dirs: string[] },
  opts: { images: boolean } = { images: true },
): string {
  const all = [...paths.files, ...paths.dirs].map((p) => `'${p}'`).join(' ')
  return [
    `for p in ${all}; do`,
    '  if [ -f "$p" ]; then printf "%s\\tfile %s %s\\n" "$p" "$(sha256sum "$p" | cut -d" " -f1)" "$(stat -c %a "$p")"',
    '  elif [ -d "$p" ]; then printf "%s\\tdir\\n" "$p"',
    '  else printf "%s\\tabsent\\n" "$p"; fi',
    'done',
    ...(opts.images ? IMAGE_NAMESPACES : []).map(
      (ns) => `ctr -n ${ns} images ls -q 2>/dev/null | sed 's/^/image\\t${ns}\\t/'`,
    ),
  ].join('\n')
}

export function parseFootprint(text: string): NodeFootprint {
  const fp: NodeFootprint = { paths: {}, images: Object.fromEntries(IMAGE_NAMESPACES.map((n) => [n, []])) }
  for (const line of text.split('\n')) {
    const cols = line.split('\t')
    if (cols[0] === 'image' && cols.length === 3) {
      ;(fp.images[cols[1]!] ??= []).push(cols[2]!)
      continue
    }
    if (cols.length !== 2) continue
    const [state, sha256, mode] = cols[1]!.split(' ')
    if (state === 'file' && sha256 && mode) fp.paths[cols[0]!] = { kind: 'file', sha256, mode }
    else if (state === 'dir') fp.paths[cols[0]!] = { kind: 'dir' }
    else if (state === 'absent') fp.paths[cols[0]!] = { kind: 'absent' }
  }
  for (const refs of Object.values(fp.images)) refs.sort()
  return fp
}

const show = (s: PathState | undefined): string =>
  !s ? 'unread' : s.kind === 'file' ? `sha256:${s.sha256.slice(0, 12)} mode ${s.mode}` : s.kind

/** Each difference between two readings, as a line a person can act on; empty: as found. */
export function footprintDiff(before: NodeFootprint, after: NodeFootprint): string[] {
  const out: string[] = []
  for (const p of new Set([...Object.keys(before.paths), ...Object.keys(after.paths)])) {
    const a = before.paths[p]
    const b = after.paths[p]
    if (show(a) !== show(b)) out.push(`${p}: ${show(a)} before, ${show(b)} after`)
  }
  for (const ns of IMAGE_NAMESPACES) {
    const was = new Set(before.images[ns] ?? [])
    const is = new Set(after.images[ns] ?? [])
    for (const r of is) if (!was.has(r)) out.push(`image ${r} (containerd namespace ${ns}): added`)
    for (const r of was) if (!is.has(r)) out.push(`image ${r} (containerd namespace ${ns}): gone`)
  }
  return out
}
