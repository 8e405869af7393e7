// The eStargz format's fixed names and sizes (containerd/stargz-snapshotter docs/estargz.md), kept in
// one place so every check quotes the same facts.

/** The footer: an empty gzip member whose FEXTRA holds subfield 'SG' = 16 hex digits + 'STARGZ'. */
export const FOOTER_SIZE = 51
/** The footer's gzip header: 10 fixed bytes + XLEN (2) + the 26-byte extra field. */
export const FOOTER_HEADER_SIZE = 38
export const FOOTER_XLEN = 26
export const FOOTER_SUBFIELD_ID = 'SG'
export const FOOTER_SUBFIELD_LEN = 22
export const FOOTER_MAGIC = 'STARGZ'

/** The original stargz (CRFS) footer: the same extra payload without the 'SG' subfield header. */
export const LEGACY_FOOTER_SIZE = 47
export const LEGACY_FOOTER_XLEN = 22

/** The single tar entry of the TOC member. */
export const TOC_TAR_NAME = 'stargz.index.json'
export const TOC_VERSION = 1

/** Layer descriptor annotations the snapshotter reads from the manifest. */
export const TOC_DIGEST_ANNOTATION = 'containerd.io/snapshot/stargz/toc.digest'
export const UNCOMPRESSED_SIZE_ANNOTATION = 'io.containers.estargz.uncompressed-size'

/** Landmark files: where prefetching ends, or that there is nothing to prefetch. */
export const PREFETCH_LANDMARK = '.prefetch.landmark'
export const NO_PREFETCH_LANDMARK = '.no.prefetch.landmark'

export const TOC_ENTRY_TYPES = [
  'dir',
  'reg',
  'symlink',
  'hardlink',
  'char',
  'block',
  'fifo',
  'chunk',
] as const
export type TocEntryType = (typeof TOC_ENTRY_TYPES)[number]
