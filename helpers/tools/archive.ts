// Takes named files out of a release .tar.gz without a tar binary. A member is matched by its path
// (a leading "./" ignored) or, failing that, by a file name that occurs exactly once in the archive, so
// a release that adds a top-level directory still works.
import { createReadStream, createWriteStream } from 'node:fs'
import { chmod } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import tar from 'tar-stream'

export interface WantedMember {
  member: string
  /** where to write it (made executable) */
  dest: string
  /** a missing optional member is not an error */
  optional?: boolean
}

function normal(name: string): string {
  return name.replace(/^(\.\/)+/, '')
}

type TarEntry = tar.ExtractEvents['entry'][1]

async function forEachFile(
  archive: string,
  visit: (name: string, entry: TarEntry) => Promise<void>,
): Promise<void> {
  const extract = tar.extract()
  const done = pipeline(createReadStream(archive), createGunzip(), extract)
  for await (const entry of extract) {
    if (entry.header.type === 'file' || entry.header.type === 'contiguous-file')
      await visit(normal(entry.header.name), entry)
    else entry.resume()
  }
  await done
}

/** Regular files in the archive, by path. */
export async function listFiles(archive: string): Promise<string[]> {
  const names: string[] = []
  await forEachFile(archive, async (name, entry) => {
    names.push(name)
    entry.resume()
  })
  return names
}

/** Picks the archive path for each wanted member; throws naming what is missing and what is there. */
export function matchMembers(
  files: readonly string[],
  wanted: readonly WantedMember[],
): Map<string, WantedMember> {
  const byPath = new Map<string, WantedMember>()
  const missing: string[] = []
  for (const w of wanted) {
    const exact = files.find((f) => f === normal(w.member))
    const byBase = files.filter((f) => path.posix.basename(f) === path.posix.basename(w.member))
    const chosen = exact ?? (byBase.length === 1 ? byBase[0] : undefined)
    if (chosen) byPath.set(chosen, w)
    else if (!w.optional) missing.push(w.member)
  }
  if (missing.length > 0)
    throw new Error(`archive has no ${missing.join(', ')}; its files: ${files.slice(0, 30).join(', ')}`)
  return byPath
}

/** Extracts the wanted members; returns the destinations written. */
export async function extractMembers(archive: string, wanted: readonly WantedMember[]): Promise<string[]> {
  const chosen = matchMembers(await listFiles(archive), wanted)
  const written: string[] = []
  await forEachFile(archive, async (name, entry) => {
    const w = chosen.get(name)
    if (!w) return void entry.resume()
    await pipeline(Readable.from(entry), createWriteStream(w.dest, { mode: 0o755 }))
    await chmod(w.dest, 0o755)
    written.push(w.dest)
  })
  return written
}
