// Source 3: the official release artifact, checked against the sha256 pinned in helpers/base/versions.ts.
// Skipped (never fetched) when the pin is not a real checksum ('PENDING') or the version is overridden;
// skipped when the network refuses; a checksum mismatch is an error.
import { createWriteStream, existsSync } from 'node:fs'
import { copyFile, mkdir, rename, rm } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { extractMembers } from './archive.ts'
import type { ResolvedBinary } from './catalog.ts'
import { ChecksumMismatchError, isPinnedSha256, verifySha256 } from './checksum.ts'
import type { ReleaseArtifact } from '../base/versions.ts'
import type { Attempt, Log } from './types.ts'

/** The part of fetch the download uses (tests pass a fake). */
export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: 'follow' }) => Promise<Response>

export interface DownloadRequest {
  artifact: ReleaseArtifact | undefined
  /** the version asked for, and the version the artifact is pinned for */
  version: string
  pinnedVersion: string
  binaries: readonly ResolvedBinary[]
  /** bin/ of the staging directory */
  binDir: string
  downloadsDir: string
  fetch?: FetchLike
  log?: Log
  timeoutMs?: number
}

/** Why a download must not be attempted, or undefined when it may be. */
export function downloadBlocker(
  artifact: ReleaseArtifact | undefined,
  version: string,
  pinned: string,
): string | undefined {
  if (!artifact) return 'no release artifact is pinned'
  if (version !== pinned) return `version ${version} is an override; the pinned artifact is ${pinned}`
  if (!isPinnedSha256(artifact.sha256))
    return `sha256 is ${JSON.stringify(artifact.sha256)} in helpers/base/versions.ts, not a checksum`
  return undefined
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = (err as Error & { cause?: unknown }).cause
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message
}

/** Streams `url` into `file` while hashing; returns the sha256. */
async function fetchTo(url: string, file: string, fetchImpl: FetchLike, timeoutMs: number): Promise<string> {
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' })
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`)
  const hash = createHash('sha256')
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk)
      cb(null, chunk)
    },
  })
  await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream), tap, createWriteStream(file))
  return hash.digest('hex')
}

export async function fromDownload(req: DownloadRequest): Promise<Attempt> {
  const blocker = downloadBlocker(req.artifact, req.version, req.pinnedVersion)
  if (blocker || !req.artifact) return { skipped: blocker ?? 'no release artifact is pinned' }
  const { url, sha256 } = req.artifact
  await mkdir(req.downloadsDir, { recursive: true })
  const archive = path.join(
    req.downloadsDir,
    `${sha256.slice(0, 12)}-${path.posix.basename(new URL(url).pathname)}`,
  )

  // A verified archive from an earlier run is reused (its name carries the checksum; it is re-verified).
  let reused = false
  if (existsSync(archive)) {
    try {
      await verifySha256(archive, sha256)
      reused = true
    } catch {
      await rm(archive, { force: true })
    }
  }
  if (!reused) {
    const partial = `${archive}.partial-${process.pid}`
    req.log?.(`downloading ${url}`)
    let actual: string
    try {
      actual = await fetchTo(url, partial, req.fetch ?? fetch, req.timeoutMs ?? 15 * 60_000)
    } catch (err) {
      await rm(partial, { force: true })
      return { skipped: `the network refused ${url}: ${describe(err)}` }
    }
    if (actual !== sha256.toLowerCase()) {
      await rm(partial, { force: true })
      throw new ChecksumMismatchError(url, sha256.toLowerCase(), actual)
    }
    await rename(partial, archive)
  }

  const binaries: Record<string, string> = {}
  const [primary] = req.binaries
  if (primary && primary.member === undefined) {
    // The download is the binary itself (kind, kubectl).
    const dest = path.join(req.binDir, primary.name)
    await copyFile(archive, dest)
    binaries[primary.name] = dest
  } else {
    const wanted = req.binaries.map((b) => ({
      member: b.member ?? b.name,
      dest: path.join(req.binDir, b.name),
      optional: b.optional,
    }))
    const written = new Set(await extractMembers(archive, wanted))
    for (const w of wanted) if (written.has(w.dest)) binaries[path.basename(w.dest)] = w.dest
  }
  return {
    found: {
      binaries,
      detail: `${url} (sha256 ${sha256.slice(0, 12)}… verified${reused ? ', cached archive' : ''})`,
    },
  }
}
