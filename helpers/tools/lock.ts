// One process at a time fills a cache entry: two CI jobs on one machine wait for each other instead of
// building the same tool twice into the same place. The lock is a directory (mkdir is atomic) holding
// the owner's pid; a lock whose owner is gone is taken over.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Log } from './types.ts'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function owner(lock: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path.join(lock, 'pid'), 'utf8')).trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export interface LockOptions {
  log?: Log
  /** give up after this long (default 4 hours: a first dfdaemon build on 2 cores is long) */
  timeoutMs?: number
  pollMs?: number
}

export async function withLock<T>(
  lock: string,
  what: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const started = Date.now()
  const timeoutMs = opts.timeoutMs ?? 4 * 3600_000
  const pollMs = opts.pollMs ?? 5_000
  let lastNotice = 0
  await mkdir(path.dirname(lock), { recursive: true })
  for (;;) {
    try {
      await mkdir(lock)
      await writeFile(path.join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const pid = await owner(lock)
    // A lock without a pid file may be one being created right now: give it a poll interval.
    if (pid === undefined ? Date.now() - started > pollMs : !alive(pid)) {
      opts.log?.(`taking over the stale lock ${lock} (owner ${pid ?? 'unknown'} is gone)`)
      await rm(lock, { recursive: true, force: true })
      continue
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${lock} (held by pid ${pid})`)
    if (Date.now() - lastNotice > 60_000) {
      opts.log?.(`waiting for pid ${pid} to finish ${what} (lock ${lock})`)
      lastNotice = Date.now()
    }
    await new Promise((r) => setTimeout(r, pollMs))
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}
