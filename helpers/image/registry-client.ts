// The one client of the origin registry's HTTP API: manifests and blobs read and written from this
// process (validation, fresh copies, the fault catalog's re-pushed manifests), never by the nodes,
// so none of it counts in the nodes' origin accounting.
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  annotations?: Record<string, string>
}

export interface ImageManifest {
  schemaVersion: number
  mediaType?: string
  config: Descriptor
  layers: Descriptor[]
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const ACCEPT = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json'].join(', ')

/** Splits `host:port/name:tag` into the repository name and tag. */
export function parseRef(ref: string): { host: string; name: string; tag: string } {
  const m = /^([^/]+)\/(.+):([\w][\w.-]*)$/.exec(ref)
  if (!m) throw new Error(`not a host/name:tag image reference: ${ref}`)
  return { host: m[1]!, name: m[2]!, tag: m[3]! }
}

/** A manifest as the registry holds it: its bytes and media type (what a re-push must send back). */
export interface RawManifest {
  body: string
  type: string
}

export async function getRawManifest(baseUrl: string, name: string, tag: string): Promise<RawManifest> {
  const res = await fetch(`${baseUrl}/v2/${name}/manifests/${tag}`, { headers: { Accept: ACCEPT } })
  if (!res.ok) throw new Error(`GET manifest ${name}:${tag} from ${baseUrl}: HTTP ${res.status}`)
  return { body: await res.text(), type: res.headers.get('content-type') ?? OCI_MANIFEST }
}

export async function putManifest(baseUrl: string, name: string, tag: string, m: RawManifest): Promise<void> {
  const res = await fetch(`${baseUrl}/v2/${name}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': m.type },
    body: m.body,
  })
  if (res.status !== 201)
    throw new Error(`PUT manifest ${name}:${tag}: HTTP ${res.status}: ${await res.text()}`)
}

export async function fetchManifest(baseUrl: string, name: string, tag: string): Promise<ImageManifest> {
  const manifest = JSON.parse((await getRawManifest(baseUrl, name, tag)).body) as ImageManifest
  if (!manifest.layers) throw new Error(`${name}:${tag} is not an image manifest (an index?)`)
  return manifest
}

export async function downloadBlob(
  baseUrl: string,
  name: string,
  digest: string,
  file: string,
): Promise<void> {
  const res = await fetch(`${baseUrl}/v2/${name}/blobs/${digest}`)
  if (!res.ok || !res.body) throw new Error(`GET blob ${digest} from ${baseUrl}: HTTP ${res.status}`)
  await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(file))
}

/** A blob's bytes, held in memory (test image layers are tens of MiB). */
export async function readBlob(baseUrl: string, name: string, digest: string): Promise<Buffer> {
  const res = await fetch(`${baseUrl}/v2/${name}/blobs/${digest}`)
  if (!res.ok) throw new Error(`GET blob ${digest} from ${baseUrl}: HTTP ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}

/** Uploads `bytes` as the blob `digest` (monolithic upload: POST, then PUT with the digest). */
export async function pushBlob(baseUrl: string, name: string, bytes: Buffer, digest: string): Promise<void> {
  const start = await fetch(`${baseUrl}/v2/${name}/blobs/uploads/`, { method: 'POST' })
  const location = start.headers.get('location')
  if (start.status !== 202 || !location) throw new Error(`blob upload to ${name}: HTTP ${start.status}`)
  const url = new URL(location, baseUrl)
  url.searchParams.set('digest', digest)
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  })
  if (put.status !== 201) throw new Error(`PUT blob ${digest}: HTTP ${put.status}: ${await put.text()}`)
}
