// A container's filesystem as one tar, without what Docker itself put there when it created the
// container (its "init layer": /.dockerenv, /dev/console, ...). /dev/console would be a regular
// file in the image's layer that no running container shows (a /dev mount hides it), and the
// rootfs-content check would report it missing.
import { createReadStream, createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'

/** Entries Docker's init layer adds to every container it creates (not the image's). */
export function isDockerInitEntry(name: string): boolean {
  // regular files only: its empty directories (dev/pts, dev/shm) are mount points any image may have
  const n = name.replace(/^\.?\//, '')
  return n === '.dockerenv' || n === 'dev/console'
}

/** Copies tar `from` to `to`, leaving out the entries `drop` names. */
export async function filterTar(
  from: string,
  to: string,
  drop: (name: string) => boolean,
): Promise<string[]> {
  const dropped: string[] = []
  const extract = tar.extract()
  const pack = tar.pack()
  extract.on('entry', (header, stream, next) => {
    if (drop(header.name)) {
      dropped.push(header.name)
      stream.on('end', next)
      stream.resume()
      return
    }
    stream.pipe(pack.entry(header, next))
  })
  extract.on('finish', () => pack.finalize())
  await Promise.all([pipeline(createReadStream(from), extract), pipeline(pack, createWriteStream(to))])
  return dropped
}
