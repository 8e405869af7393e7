// Fresh blobs for every pull. dfdaemon names a blob's task by its digest
// (enableTaskIDBasedBlobDigest), and the scheduler keeps a task's state across pulls: a task left
// `Running` by an earlier pull is never handed to the seed peer again (see README, "Scaling"). A
// rollout pulls a new image version, so each judged pull takes the test image re-pushed with every
// layer's first gzip member header stamped with a new MTIME: new digests, new tasks, the same files. The
// header has a fixed length, so the TOC's offsets, the chunk digests, the TOC digest annotation and
// the diff ids all stay valid.
import { createHash } from 'node:crypto'
import type { LayerInfo } from '../run/state.ts'
import { parseGzipHeader } from '../estargz/gzip-header.ts'
import { getRawManifest, parseRef, pushBlob, putManifest, readBlob } from './registry-client.ts'

const MTIME_OFFSET = 4
const FHCRC = 0x02

/** A copy of `blob` whose first gzip member carries `stamp` as its MTIME (never the original's). */
export function restampFirstMember(blob: Buffer, stamp: number): Buffer {
  const parsed = parseGzipHeader(blob)
  if (parsed.kind !== 'header') throw new Error(`a layer does not start with a gzip member header`)
  // A header CRC would cover the MTIME; Go's gzip writer (nerdctl, the stargz converter) sets none.
  if (parsed.header.flags & FHCRC) throw new Error('a layer has a gzip header CRC (FHCRC): cannot restamp')
  const out = Buffer.from(blob)
  const value = stamp >>> 0 === blob.readUInt32LE(MTIME_OFFSET) ? (stamp ^ 0x80000000) >>> 0 : stamp >>> 0
  out.writeUInt32LE(value, MTIME_OFFSET)
  return out
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export interface ManifestJson {
  layers: { digest: string; size: number; mediaType: string; annotations?: Record<string, string> }[]
  [key: string]: unknown
}

/** The manifest with each layer's digest replaced (`digests` in layer order), everything else kept. */
export function withLayerDigests<M extends ManifestJson>(manifest: M, digests: string[]): M {
  if (digests.length !== manifest.layers.length)
    throw new Error(`${digests.length} digests for ${manifest.layers.length} layers`)
  return { ...manifest, layers: manifest.layers.map((l, i) => ({ ...l, digest: digests[i]! })) }
}

export interface FreshImage {
  esgzRef: string
  layers: LayerInfo[]
  manifest: unknown
}

/**
 * Publishes restamped copies of an image in the origin registry, from this process (before a sample's
 * mark, so the origin's accounting of the nodes never sees it). The original blobs are read once.
 */
export class FreshBlobPublisher {
  private originals?: { manifest: ManifestJson; type: string; blobs: Buffer[] }

  constructor(
    private readonly localUrl: string,
    private readonly image: { esgzRef: string; layers: LayerInfo[] },
  ) {}

  private async load() {
    if (this.originals) return this.originals
    const { name, tag } = parseRef(this.image.esgzRef)
    const raw = await getRawManifest(this.localUrl, name, tag)
    const type = raw.type
    const manifest = JSON.parse(raw.body) as ManifestJson
    const blobs: Buffer[] = []
    for (const l of manifest.layers) blobs.push(await readBlob(this.localUrl, name, l.digest))
    this.originals = { manifest, type, blobs }
    return this.originals
  }

  /** Pushes the image with every layer restamped with `stamp` under tag `<tag>-fresh-<stamp>`. */
  async publish(stamp: number): Promise<FreshImage> {
    const { manifest, type, blobs } = await this.load()
    const { name, tag } = parseRef(this.image.esgzRef)
    const digests: string[] = []
    for (const blob of blobs) {
      const restamped = restampFirstMember(blob, stamp)
      const digest = sha256Digest(restamped)
      await pushBlob(this.localUrl, name, restamped, digest)
      digests.push(digest)
    }
    const fresh = withLayerDigests(manifest, digests)
    const ref = this.image.esgzRef.replace(/:[^:/]+$/, `:${tag}-fresh-${stamp}`)
    await putManifest(this.localUrl, name, parseRef(ref).tag, { body: JSON.stringify(fresh), type })
    const byOld = new Map(manifest.layers.map((l, i) => [l.digest, digests[i]!]))
    return {
      esgzRef: ref,
      manifest: fresh,
      layers: this.image.layers.map((l) => {
        const digest = byOld.get(l.digest)
        if (!digest) throw new Error(`layer ${l.digest} is not in ${this.image.esgzRef}'s manifest`)
        return { ...l, digest }
      }),
    }
  }
}

// One stamp sequence and one publisher per image for the whole run: chapters, benchmark, faults and
// scale samples all draw from here, so no two pulls ever share a digest.
let lastStamp = 0
const publishers = new Map<string, FreshBlobPublisher>()

/**
 * A fresh copy of `image` in the origin (at `localUrl`, this machine's address of it). Stamps are
 * seconds since the epoch and never repeat, so a reused registry never hands out an earlier digest.
 */
export async function freshCopy(
  localUrl: string,
  image: { esgzRef: string; layers: LayerInfo[] },
): Promise<FreshImage> {
  const key = `${localUrl} ${image.esgzRef}`
  let publisher = publishers.get(key)
  if (!publisher) publishers.set(key, (publisher = new FreshBlobPublisher(localUrl, image)))
  lastStamp = Math.max(lastStamp + 1, Math.floor(Date.now() / 1000))
  return publisher.publish(lastStamp)
}
