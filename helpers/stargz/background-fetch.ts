// Whether the snapshotter has fetched a layer whole: after a lazy pull it fetches the rest of each layer
// in the background and logs "background_fetch_total" with the layer's digest once done (journal; with
// the FUSE manager, the manager's log). Until then a read of a chunk it has not fetched goes to the
// mirror; after, every read is served from its cache.
import { fileExists, journal, readFile, type Node } from '../profiles/node.ts'
import { STARGZ_PATHS, STARGZ_UNIT } from './install.ts'

/** The layer digests the log says were fetched whole. */
export function fetchedLayers(logText: string): Set<string> {
  const done = new Set<string>()
  for (const line of logText.split('\n')) {
    if (!line.includes('"background_fetch_total"')) continue
    const m = /"layer_sha":"(sha256:[0-9a-f]{64})"/.exec(line)
    if (m) done.add(m[1]!)
  }
  return done
}

/** The FUSE manager's log on `node`, when the snapshotter runs one (undefined otherwise). */
export async function fuseManagerLog(node: Node): Promise<string | undefined> {
  const log = STARGZ_PATHS.fuseManagerLog
  return (await fileExists(node, log)) ? await readFile(node, log) : undefined
}

export async function snapshotterFetched(node: Node, digest: string, since?: string): Promise<boolean> {
  const manager = (await fuseManagerLog(node)) ?? ''
  return fetchedLayers(`${await journal(node, STARGZ_UNIT, since)}\n${manager}`).has(digest)
}
