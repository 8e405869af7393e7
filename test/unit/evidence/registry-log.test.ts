import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { lines } from '../../../helpers/evidence/lines.ts'
import {
  aggregateRegistryLog,
  blobOfUri,
  clientAddress,
  parseRegistryLine,
  registryRequests,
  type RegistryRequest,
} from '../../../helpers/evidence/registry-log.ts'

const fixture = (name: string) => new URL(`../../../fixtures/logs/${name}`, import.meta.url).pathname
const LOG = fixture('registry-origin-2-nodes.log')
const LAYER = 'sha256:3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'
const CONFIG = 'sha256:b01783231f61cc19332b9166b84cf6a51a5cefe59f7a6e12613731107cf648f9'

describe('registry access log', () => {
  test('counts each response once: the JSON line, not its combined-format duplicate', async () => {
    const agg = await aggregateRegistryLog(lines(LOG))
    // 328 lines = 164 JSON "response completed" lines + 164 combined-format duplicates
    expect(agg.requests).toBe(164)
    expect(agg.malformed).toBe(0)
    expect(Object.keys(agg.clients).sort()).toEqual(['172.21.0.3', '172.21.0.4'])
    expect(agg.clients['172.21.0.3']?.requests).toBe(81)
    expect(agg.clients['172.21.0.4']?.requests).toBe(83)
  })

  test('per blob and per client: requests by method and status, bytes served', async () => {
    const agg = await aggregateRegistryLog(lines(LOG))
    expect(Object.keys(agg.blobs).sort()).toEqual([LAYER, CONFIG].sort())
    const layer = agg.blobs[LAYER]
    expect(layer).toMatchObject({
      repositories: ['fixture'],
      requests: 158,
      byMethod: { GET: 156, HEAD: 2 },
      byStatus: { '206': 156, '200': 2 },
      bytes: 21_403_148,
    })
    expect(layer?.byClient['172.21.0.3']).toEqual({
      requests: 78,
      byMethod: { GET: 77, HEAD: 1 },
      byStatus: { '206': 77, '200': 1 },
      bytes: 10_451_574,
    })
    expect(layer?.byClient['172.21.0.4']).toMatchObject({ requests: 80, bytes: 10_951_574 })
    expect(agg.blobs[CONFIG]).toMatchObject({ requests: 2, byStatus: { '200': 2 }, bytes: 1760 })
  })

  test('`docker logs -t` timestamps in front of each line change nothing', async () => {
    const text = readFileSync(LOG, 'utf8').split('\n')
    const stamped = text.map((l) => (l ? `2026-11-27T20:57:10.000000000Z ${l}` : l))
    const agg = await aggregateRegistryLog(stamped)
    expect(agg.requests).toBe(164)
    expect(agg.blobs[LAYER]?.bytes).toBe(21_403_148)
  })

  test('a truncated JSON line is counted as malformed; other lines are skipped', async () => {
    const text = readFileSync(LOG, 'utf8').split('\n')
    const json = text.find((l) => l.startsWith('{')) ?? ''
    const agg = await aggregateRegistryLog([
      ...text,
      json.slice(0, 80),
      'time="2026-11-27T20:56:00Z" level=info msg="listening on [::]:5000"',
      '{"level":"info","msg":"redis not configured","time":"2026-11-27T20:56:00Z"}',
    ])
    expect(agg.requests).toBe(164)
    expect(agg.malformed).toBe(1)
  })

  test('a request line in detail', async () => {
    let first: RegistryRequest | undefined
    for await (const r of registryRequests(lines(LOG))) {
      if (r.blobDigest === LAYER) {
        first = r
        break
      }
    }
    expect(first).toEqual({
      method: 'GET',
      uri: `/v2/fixture/blobs/${LAYER}`,
      status: 206,
      written: 2,
      client: '172.21.0.3',
      time: expect.stringMatching(/^2026-11-27T20:57:10/),
      userAgent: 'Go-http-client/1.1',
      requestId: expect.any(String),
      repository: 'fixture',
      blobDigest: LAYER,
    })
    const failed = parseRegistryLine(
      '{"err.code":"blob unknown","err.message":"blob unknown to registry","http.request.method":"GET","http.request.remoteaddr":"[fd00::3]:4711","http.request.uri":"/v2/a/b/blobs/sha256:00","http.response.status":404,"http.response.written":157,"level":"error","msg":"response completed with error"}',
    )
    expect(failed).toMatchObject({
      status: 404,
      client: 'fd00::3',
      repository: 'a/b',
      error: 'blob unknown to registry',
    })
  })

  test('blob URIs and client addresses', () => {
    expect(blobOfUri('/v2/library/busybox/blobs/sha256:abc?ns=docker.io')).toEqual({
      repository: 'library/busybox',
      digest: 'sha256:abc',
    })
    expect(blobOfUri('/v2/library/busybox/blobs/uploads/1234')).toBeUndefined()
    expect(blobOfUri('/v2/library/busybox/manifests/sha256:abc')).toBeUndefined()
    expect(clientAddress('172.21.0.3:48816')).toBe('172.21.0.3')
    expect(clientAddress('[::1]:5000')).toBe('::1')
    expect(clientAddress('fd00::3')).toBe('fd00::3')
    expect(clientAddress('10.0.0.7, 172.21.0.2')).toBe('10.0.0.7')
  })
})
