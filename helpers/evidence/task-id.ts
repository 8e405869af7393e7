// The Dragonfly task id of a download, so that a blob the origin served can be matched with the task
// dfdaemon logged for it (and the X-Dragonfly-Task-ID response header checked).
//
// Rules as implemented by dragonfly-client-util 1.5.0 (src/id_generator/mod.rs, IDGenerator::task_id;
// src/digest/mod.rs for blob URLs), chosen in this order by dfdaemon (src/proxy/task.rs, download):
// 1. content: when X-Dragonfly-Content-For-Calculating-Task-ID is set, hex sha256 of that string.
// 2. blob digest: when enableTaskIDBasedBlobDigest is on (proxy.registryMirror config, overridable by
//    the X-Dragonfly-Enable-Task-ID-Based-Blob-Digest header; the client's own default is off) and the
//    URL looks like `<scheme>://<host>/v2/<name>/blobs/<digest>[?query]`: the digest's encoded part
//    (the hex after "sha256:"). A URL of that shape whose digest does not parse (unknown algorithm,
//    wrong length for sha256 / sha512 / crc32) is an error, not a fallback to rule 3.
// 3. URL: the URL is parsed (WHATWG rules, like Rust's url crate), query pairs whose name is in the
//    filtered list are dropped (the rest are re-encoded as application/x-www-form-urlencoded; an empty
//    query is removed), a bare trailing "/" of a root path is trimmed; then hex sha256 over the
//    concatenation, without separators, of: that URL, tag, application, revision (Hugging Face /
//    ModelScope only), piece length in decimal, and "STANDARD" (the task type); absent parts add nothing.
import { createHash } from 'node:crypto'

/**
 * Query parameters dropped before hashing when the proxy rule sets none (dragonfly-client-util 1.5.0,
 * src/http/query_params.rs): presigned-URL parameters of S3, GCS, OSS, OBS and COS, and containerd's
 * `ns`.
 */
export const DEFAULT_FILTERED_QUERY_PARAMS: readonly string[] = [
  ...['Algorithm', 'Credential', 'Date', 'Expires', 'SignedHeaders', 'Signature', 'Security-Token'].map(
    (p) => `X-Amz-${p}`,
  ),
  'X-Amz-User-Agent',
  ...['Algorithm', 'Credential', 'Date', 'Expires', 'SignedHeaders', 'Signature'].map((p) => `X-Goog-${p}`),
  'OSSAccessKeyId',
  'Expires',
  'Signature',
  'SecurityToken',
  'AccessKeyId',
  'X-Obs-Date',
  'X-Obs-Security-Token',
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
  'x-cos-security-token',
  'ns',
]

export interface UrlTaskIdParams {
  url: string
  tag?: string
  application?: string
  /** only for Hugging Face / ModelScope downloads */
  revision?: string
  /** bytes; set when the request carried X-Dragonfly-Piece-Length */
  pieceLength?: number | bigint
  /** defaults to DEFAULT_FILTERED_QUERY_PARAMS; pass [] to filter nothing */
  filteredQueryParams?: readonly string[]
}

export interface TaskIdRequest extends UrlTaskIdParams {
  enableTaskIdBasedBlobDigest?: boolean
  contentForCalculatingTaskId?: string
}

// Same shape as the client's blob URL pattern: anything://anything/v2/<name>/blobs/<digest>[?query].
const BLOB_URL = /^(.*):\/\/(.*)\/v2\/(.*)\/blobs\/(?<digest>[^?]+)(?:\?.*)?$/
const DIGEST_LENGTH: Record<string, number> = { sha256: 64, sha512: 128, crc32: 10 }

export function isBlobUrl(url: string): boolean {
  return BLOB_URL.test(url)
}

/** Task id of a blob URL in digest mode: the digest's encoded part. Throws when the digest is invalid. */
export function blobDigestTaskId(url: string): string {
  const digest = BLOB_URL.exec(url)?.groups?.digest
  if (digest === undefined) throw new Error(`not an OCI blob URL: ${url}`)
  const colon = digest.indexOf(':')
  const algorithm = colon < 0 ? '' : digest.slice(0, colon)
  const encoded = digest.slice(colon + 1)
  const length = DIGEST_LENGTH[algorithm]
  if (colon < 0 || length === undefined || encoded.length !== length) {
    throw new Error(`invalid digest in blob URL: ${digest}`)
  }
  return encoded
}

/** The URL exactly as it enters the URL-based hash. */
export function normalizeTaskUrl(
  url: string,
  filtered: readonly string[] = DEFAULT_FILTERED_QUERY_PARAMS,
): string {
  const u = new URL(url)
  const drop = new Set(filtered)
  const kept = [...u.searchParams].filter(([name]) => !drop.has(name))
  u.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString()
  const s = u.href
  return u.pathname === '/' && s.endsWith('/') ? s.replace(/\/+$/, '') : s
}

export function urlBasedTaskId(p: UrlTaskIdParams): string {
  const parts = [
    normalizeTaskUrl(p.url, p.filteredQueryParams),
    p.tag ?? '',
    p.application ?? '',
    p.revision ?? '',
    p.pieceLength === undefined ? '' : p.pieceLength.toString(),
    'STANDARD',
  ]
  return sha256Hex(parts.join(''))
}

export function contentTaskId(content: string): string {
  return sha256Hex(content)
}

/** The task id dfdaemon's proxy computes for a download request, following its order of rules. */
export function taskIdOf(r: TaskIdRequest): string {
  if (r.contentForCalculatingTaskId !== undefined) return contentTaskId(r.contentForCalculatingTaskId)
  if (r.enableTaskIdBasedBlobDigest === true && isBlobUrl(r.url)) return blobDigestTaskId(r.url)
  return urlBasedTaskId(r)
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex')
}
