// The TOC must describe the tar it indexes: every tar entry (except the TOC itself, which comes last)
// has a TOC entry of the same name and type, and each file's chunks sit where its content really is.
// Without this, a TOC that matched its digests but pointed at another file's identical bytes would pass.
import type { FilePlan } from './chunks.ts'
import { invalid } from './errors.ts'
import { TOC_TAR_NAME, type TocEntryType } from './format.ts'
import type { TarEntryFacts } from './layer-scan.ts'
import type { Toc } from './toc-schema.ts'

const TAR_TYPE_TO_TOC: Record<string, TocEntryType> = {
  file: 'reg',
  'contiguous-file': 'reg',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
}

/** "./etc/", "/etc" and "etc" name the same path. */
export function normalizeName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '') || '.'
}

export function checkTocMatchesTar(
  toc: Toc,
  files: FilePlan[],
  tarEntries: TarEntryFacts[],
  chunkPositions: Map<number, number>,
): void {
  const last = tarEntries.at(-1)
  if (!last || last.name !== TOC_TAR_NAME) {
    invalid(
      `the layer's last tar entry must be ${TOC_TAR_NAME}; it is ${last ? JSON.stringify(last.name) : 'missing'}`,
    )
  }

  // TOC entries by path, in order, so duplicate paths pair up with duplicate tar entries
  const unmatched = new Map<string, number[]>()
  toc.entries.forEach((e, index) => {
    if (e.type === 'chunk') return
    const key = normalizeName(e.name)
    unmatched.set(key, [...(unmatched.get(key) ?? []), index])
  })
  const filesByEntry = new Map(files.map((f) => [f.entry, f]))

  for (const tarEntry of tarEntries.slice(0, -1)) {
    const at = `tar entry ${JSON.stringify(tarEntry.name)} (${tarEntry.type})`
    const index = unmatched.get(normalizeName(tarEntry.name))?.shift()
    if (index === undefined) invalid(`${at} has no TOC entry`)
    const e = toc.entries[index]
    if (!e) continue
    const where = `TOC entries[${index}] (${e.type} ${JSON.stringify(e.name)})`
    const type = TAR_TYPE_TO_TOC[tarEntry.type]
    if (type !== e.type)
      invalid(`${where} says ${e.type}, but ${at} is ${type ?? 'of a type eStargz has no name for'}`)
    if ((e.type === 'symlink' || e.type === 'hardlink') && (e.linkName ?? '') !== (tarEntry.linkname ?? '')) {
      invalid(
        `${where} links to ${JSON.stringify(e.linkName)}, ${at} to ${JSON.stringify(tarEntry.linkname)}`,
      )
    }
    const file = filesByEntry.get(index)
    if (!file) continue
    if (file.size !== tarEntry.size) invalid(`${where} says ${file.size} bytes, ${at} has ${tarEntry.size}`)
    if (file.digest && tarEntry.digest && file.digest !== tarEntry.digest) {
      invalid(`${where} says content digest ${file.digest}, ${at} content hashes to ${tarEntry.digest}`)
    }
    for (const chunk of file.chunks) {
      const decodedAt = chunkPositions.get(chunk.entry)
      const want = tarEntry.contentOffset + chunk.chunkOffset
      if (decodedAt !== undefined && decodedAt !== want) {
        invalid(
          `TOC entries[${chunk.entry}] (${JSON.stringify(chunk.name)} from byte ${chunk.chunkOffset}) points at ` +
            `decoded layer offset ${decodedAt}, but that part of ${at} is at ${want}`,
        )
      }
    }
  }

  for (const [index] of unmatched.values()) {
    const e = index === undefined ? undefined : toc.entries[index]
    if (e)
      invalid(`TOC entries[${index}] (${e.type} ${JSON.stringify(e.name)}) has no tar entry in the layer`)
  }
}
