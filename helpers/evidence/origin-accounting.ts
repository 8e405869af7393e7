// What the origin registry served per blob of an image, against the blob's size: the measure of
// whether P2P did its job. With Dragonfly in the path each layer should leave the origin about once
// (amplification ≈ 1, from the seed peer) however many nodes pull; without it every node fetches it.
//
// Not every response is content transfer. The stargz snapshotter sends a HEAD and a `bytes=0-1` probe
// per layer and reads the footer before anything else, and dfdaemon stats the source per task; every
// HEAD reaches the origin even with P2P working. These are kept apart (heads, probes) so a verdict can
// look at content bytes, while bytesServed still counts everything the origin sent.
import type { RegistryRequest } from './registry-log.ts'

/**
 * Largest partial (206) GET response counted as a probe rather than content: 4 KiB. The snapshotter's
 * reachability probe is `bytes=0-1` (2 B); the eStargz footer is 51 B and the snapshotter reads it as
 * the blob's last chunk-aligned piece (1,572 B in the fixture: 7,901,572 mod its 50,000-byte fetch
 * size); dfdaemon's probes are HEADs. Content fetches are whole chunks (50,000 B and up for the
 * snapshotter, ≥ 4 MiB pieces for dfdaemon), far above. A tail chunk over 4 KiB counts as content,
 * which it also is. Full (200) responses are always content, however small (an 880-byte config).
 */
export const PROBE_MAX_BYTES = 4 * 1024

export type ResponseClass = 'head' | 'probe' | 'content' | 'other'

/** head: any HEAD; probe: a tiny 206 GET; content: other 2xx GETs; other: errors, redirects, other methods. */
export function classifyResponse(r: Pick<RegistryRequest, 'method' | 'status' | 'written'>): ResponseClass {
  if (r.method === 'HEAD') return 'head'
  if (r.method !== 'GET' || r.status < 200 || r.status >= 300) return 'other'
  if (r.status === 206 && r.written <= PROBE_MAX_BYTES) return 'probe'
  return 'content'
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
}

export interface ImageManifest {
  config: Descriptor
  layers: Descriptor[]
}

export interface OriginCounters {
  requests: number
  /** every body byte the origin wrote for this blob */
  bytesServed: number
  /** bytes of content responses (2xx GETs that are not probes) */
  contentBytes: number
  /** bytes of probe responses */
  probeBytes: number
  heads: number
  probes: number
  contentResponses: number
  /** errors, redirects and other methods */
  otherResponses: number
}

export interface ClientOrigin extends OriginCounters {
  /** bytesServed to this client / blob size */
  amplification: number
}

export interface OriginRow extends OriginCounters {
  digest: string
  size: number
  mediaType: string
  role: 'config' | 'layer'
  /** number of distinct clients that requested the blob */
  clients: number
  clientAddresses: string[]
  /** bytesServed / size: 1 means the blob left the origin once */
  amplification: number
  /** contentBytes / size */
  contentAmplification: number
  byClient: Record<string, ClientOrigin>
}

export interface OriginReport {
  /** one row per manifest blob: config first, then layers in order */
  rows: OriginRow[]
  /** blobs requested that the manifest does not list (another image, a mistake) */
  unlisted: Record<string, OriginCounters>
  /** requests for anything that is not a blob (manifests, /v2/ pings) */
  nonBlobRequests: number
}

/** Validates the parts of an OCI / Docker v2 image manifest the accounting needs. */
export function parseManifest(input: string | unknown): ImageManifest {
  const v: unknown = typeof input === 'string' ? JSON.parse(input) : input
  const m = v as { config?: unknown; layers?: unknown }
  if (typeof v !== 'object' || v === null || !Array.isArray(m.layers)) {
    throw new Error(
      'not an image manifest: no layers array (an index must be resolved to one platform first)',
    )
  }
  return {
    config: descriptor(m.config, 'config'),
    layers: m.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
  }
}

/** Joins the origin's requests with the manifest's blobs. Streams: only counters are kept. */
export async function accountOrigin(
  requests: AsyncIterable<RegistryRequest> | Iterable<RegistryRequest>,
  manifest: ImageManifest,
): Promise<OriginReport> {
  const perBlob = new Map<string, Map<string, OriginCounters>>()
  let nonBlobRequests = 0
  for await (const r of requests) {
    if (r.blobDigest === undefined) {
      nonBlobRequests++
      continue
    }
    let clients = perBlob.get(r.blobDigest)
    if (!clients) perBlob.set(r.blobDigest, (clients = new Map()))
    let c = clients.get(r.client)
    if (!c) clients.set(r.client, (c = emptyOrigin()))
    add(c, r)
  }

  const described = [
    { d: manifest.config, role: 'config' as const },
    ...manifest.layers.map((d) => ({ d, role: 'layer' as const })),
  ]
  const rows = described.map(({ d, role }) => row(d, role, perBlob.get(d.digest) ?? new Map()))
  const listed = new Set(described.map(({ d }) => d.digest))
  const unlisted: Record<string, OriginCounters> = {}
  for (const [digest, clients] of perBlob) {
    if (!listed.has(digest)) unlisted[digest] = sum([...clients.values()])
  }
  return { rows, unlisted, nonBlobRequests }
}

function row(d: Descriptor, role: 'config' | 'layer', clients: Map<string, OriginCounters>): OriginRow {
  const total = sum([...clients.values()])
  const clientAddresses = [...clients.keys()].sort()
  const byClient: Record<string, ClientOrigin> = {}
  for (const address of clientAddresses) {
    const c = clients.get(address) ?? emptyOrigin()
    byClient[address] = { ...c, amplification: ratio(c.bytesServed, d.size) }
  }
  return {
    digest: d.digest,
    size: d.size,
    mediaType: d.mediaType,
    role,
    clients: clientAddresses.length,
    clientAddresses,
    ...total,
    amplification: ratio(total.bytesServed, d.size),
    contentAmplification: ratio(total.contentBytes, d.size),
    byClient,
  }
}

function add(c: OriginCounters, r: RegistryRequest): void {
  c.requests++
  c.bytesServed += r.written
  switch (classifyResponse(r)) {
    case 'head':
      c.heads++
      c.probeBytes += r.written
      break
    case 'probe':
      c.probes++
      c.probeBytes += r.written
      break
    case 'content':
      c.contentResponses++
      c.contentBytes += r.written
      break
    case 'other':
      c.otherResponses++
  }
}

function sum(all: OriginCounters[]): OriginCounters {
  const t = emptyOrigin()
  for (const c of all) for (const k of Object.keys(t) as (keyof OriginCounters)[]) t[k] += c[k]
  return t
}

function emptyOrigin(): OriginCounters {
  return {
    requests: 0,
    bytesServed: 0,
    contentBytes: 0,
    probeBytes: 0,
    heads: 0,
    probes: 0,
    contentResponses: 0,
    otherResponses: 0,
  }
}

// A zero-size blob cannot be amplified; report 0 rather than NaN or Infinity.
function ratio(bytes: number, size: number): number {
  return size > 0 ? bytes / size : 0
}

function descriptor(v: unknown, where: string): Descriptor {
  const d = v as Partial<Descriptor> | null
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.digest !== 'string' ||
    typeof d.size !== 'number' ||
    typeof d.mediaType !== 'string'
  ) {
    throw new Error(`manifest ${where}: a descriptor needs mediaType, digest and size`)
  }
  return { mediaType: d.mediaType, digest: d.digest, size: d.size }
}
