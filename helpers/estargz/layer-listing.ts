// What a layer puts into a root filesystem, as its tar really holds it: every regular file with the
// sha256 of its content (hard links resolved to their target's), and what it removes from the layers
// below (whiteouts, opaque directories). The rootfs-content check holds a container's files against
// this. The TOC and the landmark files are eStargz's own, not the image's: the snapshotter hides them.
import { NO_PREFETCH_LANDMARK, PREFETCH_LANDMARK, TOC_TAR_NAME } from './format.ts'
import type { TarEntryFacts } from './layer-scan.ts'
import { normalizeName } from './toc-vs-tar.ts'

export interface ListedFile {
  /** absolute path in the root filesystem */
  path: string
  /** "sha256:<hex>" of the content */
  digest: string
  size: number
}

export interface LayerListing {
  files: ListedFile[]
  /** paths a `.wh.<name>` entry removes from the layers below */
  whiteouts: string[]
  /** directories whose lower-layer contents a `.wh..wh..opq` entry hides */
  opaqueDirs: string[]
}

const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'
const ESTARGZ_OWN = new Set([TOC_TAR_NAME, PREFETCH_LANDMARK, NO_PREFETCH_LANDMARK])

/**
 * eStargz's own files as paths in a rootfs: hidden by a lazy mount, but extracted like any other tar
 * entry when containerd falls back to a full pull of the layer (measured: /stargz.index.json in the
 * containers of the fault catalog's fallback entries). Neither their presence nor absence says
 * anything about the image's content.
 */
export const ESTARGZ_OWN_PATHS: readonly string[] = [...ESTARGZ_OWN].map((n) => `/${n}`)

export function layerListing(entries: TarEntryFacts[]): LayerListing {
  const listing: LayerListing = { files: [], whiteouts: [], opaqueDirs: [] }
  const byPath = new Map<string, ListedFile>()
  for (const entry of entries) {
    const name = normalizeName(entry.name)
    if (ESTARGZ_OWN.has(name)) continue
    const slash = name.lastIndexOf('/')
    const dir = slash < 0 ? '' : name.slice(0, slash)
    const base = name.slice(slash + 1)
    if (base === OPAQUE) {
      listing.opaqueDirs.push(`/${dir}`)
      continue
    }
    if (base.startsWith(WHITEOUT)) {
      listing.whiteouts.push(`/${dir ? `${dir}/` : ''}${base.slice(WHITEOUT.length)}`)
      continue
    }
    const path = `/${name}`
    let file: ListedFile | undefined
    if (entry.digest !== undefined) file = { path, digest: entry.digest, size: entry.size }
    else if (entry.type === 'link' && entry.linkname) {
      const target = byPath.get(`/${normalizeName(entry.linkname)}`)
      if (target) file = { ...target, path }
    }
    if (!file) continue
    byPath.set(path, file)
    listing.files.push(file)
  }
  return listing
}

/**
 * The files of a root filesystem made of `layers` (lowest first), as a container sees them: an upper
 * layer's file replaces a lower one's, whiteouts and opaque directories hide what is below them.
 */
export function rootfsFiles(layers: LayerListing[]): Map<string, ListedFile> {
  const files = new Map<string, ListedFile>()
  const under = (dir: string, path: string) => path.startsWith(dir === '/' ? '/' : `${dir}/`)
  for (const layer of layers) {
    for (const dir of layer.opaqueDirs) for (const p of [...files.keys()]) if (under(dir, p)) files.delete(p)
    for (const gone of layer.whiteouts)
      for (const p of [...files.keys()]) if (p === gone || under(gone, p)) files.delete(p)
    for (const f of layer.files) files.set(f.path, f)
  }
  return files
}
