// The origin registry's access log, as `docker logs` prints it: the distribution registry writes each
// response twice, once as a logrus JSON line ("msg":"response completed", or "response completed with
// error" when the handler failed) and once in combined log format. Only the JSON line carries the
// bytes written and the request id, so it is the one counted; everything else is skipped.
// Range headers are not logged: a range GET shows up only as a 206 and its byte count.
import { eachLine, type LineInput } from './lines.ts'

export interface RegistryRequest {
  method: string
  uri: string
  status: number
  /** bytes of response body written (`http.response.written`); 0 for HEAD */
  written: number
  /** remote address without port (the registry honours X-Forwarded-For / X-Real-IP here) */
  client: string
  time?: string
  userAgent?: string
  requestId?: string
  /** the handler reported an error ("response completed with error") */
  error?: string
  /** for /v2/<name>/blobs/<digest> requests */
  repository?: string
  blobDigest?: string
}

export interface RequestCounters {
  requests: number
  /** requests per HTTP method */
  byMethod: Record<string, number>
  /** requests per status code */
  byStatus: Record<string, number>
  /** response body bytes, everything included */
  bytes: number
}

export interface BlobTraffic extends RequestCounters {
  digest: string
  repositories: string[]
  byClient: Record<string, RequestCounters>
}

export interface RegistryLogAggregate {
  /** per blob digest */
  blobs: Record<string, BlobTraffic>
  /** per client, all requests (manifests, blobs, /v2/ pings) */
  clients: Record<string, RequestCounters>
  /** response lines counted */
  requests: number
  /** JSON response lines that could not be parsed */
  malformed: number
}

// /v2/<name>/blobs/<algorithm>:<encoded>, per the OCI distribution spec's digest grammar; the
// upload endpoints (/blobs/uploads/...) have no colon and do not match.
const BLOB_URI =
  /^\/v2\/(?<name>.+)\/blobs\/(?<digest>[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)(?:\?.*)?$/
// `docker logs -t` puts an RFC 3339 timestamp before each line.
const DOCKER_TIMESTAMP = /^\d{4}-\d\d-\d\dT\S+ $/

/** The repository and digest of a blob URI, or undefined for any other endpoint. */
export function blobOfUri(uri: string): { repository: string; digest: string } | undefined {
  const m = BLOB_URI.exec(uri)
  return m?.groups ? { repository: m.groups.name ?? '', digest: m.groups.digest ?? '' } : undefined
}

/** "172.21.0.3:48816" → "172.21.0.3", "[fd00::3]:5000" → "fd00::3"; a forwarded list keeps its first. */
export function clientAddress(remoteAddr: string): string {
  const first = (remoteAddr.split(',')[0] ?? '').trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(first)
  if (bracketed) return bracketed[1] ?? first
  const colons = first.split(':').length - 1
  if (colons === 1) return first.slice(0, first.indexOf(':'))
  return first // bare IPv4 or bare IPv6
}

/**
 * One access-log line → a request, or undefined for lines that are not a JSON response line
 * (combined-format duplicates, startup messages), or `'malformed'` for a broken JSON line.
 */
export function parseRegistryLine(line: string): RegistryRequest | 'malformed' | undefined {
  const start = line.indexOf('{"')
  if (start < 0) return undefined
  if (start > 0 && !DOCKER_TIMESTAMP.test(line.slice(0, start))) return undefined
  let v: unknown
  try {
    v = JSON.parse(line.slice(start))
  } catch {
    return 'malformed'
  }
  if (typeof v !== 'object' || v === null) return 'malformed'
  const f = v as Record<string, unknown>
  if (typeof f.msg !== 'string' || !f.msg.startsWith('response completed')) return undefined
  const method = f['http.request.method']
  const uri = f['http.request.uri']
  const status = f['http.response.status']
  const remote = f['http.request.remoteaddr']
  if (typeof method !== 'string' || typeof uri !== 'string' || typeof status !== 'number') return 'malformed'
  const written = f['http.response.written']
  const request: RegistryRequest = {
    method,
    uri,
    status,
    written: typeof written === 'number' ? written : 0,
    client: typeof remote === 'string' ? clientAddress(remote) : 'unknown',
  }
  if (typeof f.time === 'string') request.time = f.time
  if (typeof f['http.request.useragent'] === 'string') request.userAgent = f['http.request.useragent']
  if (typeof f['http.request.id'] === 'string') request.requestId = f['http.request.id']
  if (f.msg !== 'response completed') {
    request.error = typeof f['err.message'] === 'string' ? f['err.message'] : f.msg
  }
  const blob = blobOfUri(uri)
  if (blob) {
    request.repository = blob.repository
    request.blobDigest = blob.digest
  }
  return request
}

/** The requests of an access log, one at a time. Malformed JSON lines are skipped. */
export async function* registryRequests(input: LineInput | string): AsyncGenerator<RegistryRequest> {
  for await (const line of eachLine(input)) {
    const r = parseRegistryLine(line)
    if (r !== undefined && r !== 'malformed') yield r
  }
}

/** Requests by method and status and bytes served, per blob digest (and per client) and per client. */
export async function aggregateRegistryLog(input: LineInput | string): Promise<RegistryLogAggregate> {
  const out: RegistryLogAggregate = { blobs: {}, clients: {}, requests: 0, malformed: 0 }
  for await (const line of eachLine(input)) {
    const r = parseRegistryLine(line)
    if (r === undefined) continue
    if (r === 'malformed') {
      out.malformed++
      continue
    }
    out.requests++
    count((out.clients[r.client] ??= emptyCounters()), r)
    if (r.blobDigest === undefined) continue
    const blob = (out.blobs[r.blobDigest] ??= {
      digest: r.blobDigest,
      repositories: [],
      ...emptyCounters(),
      byClient: {},
    })
    if (r.repository !== undefined && !blob.repositories.includes(r.repository))
      blob.repositories.push(r.repository)
    count(blob, r)
    count((blob.byClient[r.client] ??= emptyCounters()), r)
  }
  return out
}

export function emptyCounters(): RequestCounters {
  return { requests: 0, byMethod: {}, byStatus: {}, bytes: 0 }
}

function count(c: RequestCounters, r: RegistryRequest): void {
  c.requests++
  c.byMethod[r.method] = (c.byMethod[r.method] ?? 0) + 1
  c.byStatus[String(r.status)] = (c.byStatus[String(r.status)] ?? 0) + 1
  c.bytes += r.written
}
