import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { lines } from '../../../helpers/evidence/lines.ts'
import {
  classifyDfdaemonRecord,
  dfdaemonRecords,
  selectTasks,
  summarizeDfdaemonLog,
  usedRemotePeers,
  wentBackToSource,
  type DfdaemonRecord,
} from '../../../helpers/evidence/dfdaemon-log.ts'

// The real captures (fixtures/logs/p2p-local, dragonfly-client 1.5.0 in the local profile, compact
// format) are judged in the first describe block. The lines further down are NOT a capture: they
// exercise what the captures do not hold (the pretty layout, a 404 failure, stray lines). They follow, character for character, what dragonfly-client 1.5.0 prints: its fmt layer
// (src/tracing/mod.rs:58-85: compact, no ANSI, no target, file and line) as laid out by
// tracing-subscriber 0.3.23 (src/fmt/format/mod.rs, Format<Compact>::format_event: "<time> <level
// padded to 5> <span>:<span>: <file>:<line>: <message> <span fields>"). Span names and fields come
// from the #[instrument] attributes: proxy/mod.rs:281 handler{url,method,remote_ip} (debug level),
// proxy/mod.rs:800 proxy_via_dfdaemon (its fields are never recorded), proxy/task.rs:50
// download{host_id,task_id,peer_id,content_length}, resource/task.rs:340 download, :664
// download_partial_with_scheduler, :1222 ..._from_parent, :1592 ..._from_source, :2162
// download_partial_from_source. Each message cites its source line below. Paths are as printed by
// the official image (built in the client's workspace).
const LAYER = '3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'
const CONFIG = 'b01783231f61cc19332b9166b84cf6a51a5cefe59f7a6e12613731107cf648f9'
const MISSING = 'a'.repeat(64)
const HOST_A = '172.21.0.3-node-a'
const PEER_A = `${HOST_A}-6f1c9a7e-2b1d-4c55-9f0e-8f3a2b1c0d9e`
const PEER_A2 = `${HOST_A}-1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5`
const SEED = '172.21.0.2-seed-0-77aa88bb-99cc-4dde-8eff-001122334455-seed'
const REG = 'http://reg:5000'
const CLIENT = 'dragonfly-client/src'
const HANDLER = (digest: string) =>
  `url="/v2/fixture/blobs/sha256:${digest}?ns=reg:5000" method="GET" remote_ip="127.0.0.1"`
const TASK = (task: string, peer: string, len?: number) =>
  `host_id="${HOST_A}" task_id="${task}" peer_id="${peer}"` +
  (len === undefined ? '' : ` content_length=${len}`)
const PROXY = 'handler:registry_mirror_http_handler:proxy_via_dfdaemon'
const started = (task: string, range: string) =>
  `download task started: Download { url: "${REG}/v2/fixture/blobs/sha256:${task}", range: None, tag: None, application: None, piece_length: None, output_path: None, prefetch: true, is_prefetch: false, remote_ip: Some("127.0.0.1"), request_header: {"range": "${range}", "user-agent": "containerd-stargz-grpc/0.12"}, object_storage: None, hdfs: None, hugging_face: None, model_scope: None, .. }`

// Node A: the first node. The snapshotter's 2-byte probe is fetched from the source directly
// (≤ 4 MiB range, task.rs:520), then the proxy's prefetch downloads the whole layer: the scheduler
// sends it back to the source (no other peer has it).
const NODE_A_COMPACT = [
  // proxy/task.rs:127
  `2026-11-28T10:15:02.120001Z  INFO ${PROXY}:download: ${CLIENT}/proxy/task.rs:127: ${started(LAYER, 'bytes=0-1')} ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A)}`,
  // resource/task.rs:520
  `2026-11-28T10:15:02.125310Z DEBUG ${PROXY}:download:download: ${CLIENT}/resource/task.rs:520: peer downloads the range task from source directly, skipping the scheduler ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A, 7901572)}`,
  // resource/task.rs:2208, :2312
  `2026-11-28T10:15:02.125400Z DEBUG ${PROXY}:download:download:download_partial_from_source: ${CLIENT}/resource/task.rs:2208: start to download piece ${LAYER}-0 from source ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A, 7901572)}`,
  `2026-11-28T10:15:02.131002Z DEBUG ${PROXY}:download:download:download_partial_from_source: ${CLIENT}/resource/task.rs:2312: finished piece ${LAYER}-0 from source ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A, 7901572)}`,
  // resource/task.rs:537
  `2026-11-28T10:15:02.131100Z  INFO ${PROXY}:download:download: ${CLIENT}/resource/task.rs:537: all pieces are downloaded from source ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A, 7901572)}`,
  // proxy/task.rs:262
  `2026-11-28T10:15:02.131200Z DEBUG ${PROXY}:download: ${CLIENT}/proxy/task.rs:262: download task succeeded ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A, 7901572)}`,
  // proxy/task.rs:379 — the prefetch span has no task fields: unattributed
  `2026-11-28T10:15:02.131300Z  INFO ${PROXY}:prefetch: ${CLIENT}/proxy/task.rs:379: prefetch task started ${HANDLER(LAYER)}`,
  `2026-11-28T10:15:02.131400Z  INFO ${PROXY}:prefetch:download: ${CLIENT}/proxy/task.rs:127: ${started(LAYER, 'bytes=0-1')} ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2)}`,
  // resource/task.rs:950
  `2026-11-28T10:15:02.140000Z  INFO ${PROXY}:prefetch:download:download:download_partial_with_scheduler: ${CLIENT}/resource/task.rs:950: need back to source response ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2, 7901572)}`,
  // resource/task.rs:1640, :1765 (pieces 0 and 1 of 4 MiB)
  ...[0, 1].flatMap((n) => [
    `2026-11-28T10:15:02.14100${n}Z DEBUG ${PROXY}:prefetch:download:download:download_partial_with_scheduler:download_partial_with_scheduler_from_source: ${CLIENT}/resource/task.rs:1640: start to download piece ${LAYER}-${n} from source ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2, 7901572)}`,
    `2026-11-28T10:15:02.19100${n}Z DEBUG ${PROXY}:prefetch:download:download:download_partial_with_scheduler:download_partial_with_scheduler_from_source: ${CLIENT}/resource/task.rs:1765: finished piece ${LAYER}-${n} from source ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2, 7901572)}`,
  ]),
  // resource/task.rs:602
  `2026-11-28T10:15:02.200000Z  INFO ${PROXY}:prefetch:download:download: ${CLIENT}/resource/task.rs:602: all pieces are downloaded with scheduler ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2, 7901572)}`,
  `2026-11-28T10:15:02.200100Z DEBUG ${PROXY}:prefetch:download: ${CLIENT}/proxy/task.rs:262: download task succeeded ${HANDLER(LAYER)} ${TASK(LAYER, PEER_A2, 7901572)}`,
  // proxy/task.rs:415
  `2026-11-28T10:15:02.200200Z  INFO ${PROXY}:prefetch: ${CLIENT}/proxy/task.rs:415: prefetch task finished ${HANDLER(LAYER)}`,
  // A blob the origin does not have: proxy/task.rs:133 inside the task's span, then proxy/mod.rs:845
  // outside it (proxy_via_dfdaemon's task_id is declared but never recorded).
  `2026-11-28T10:15:03.000001Z  INFO ${PROXY}:download: ${CLIENT}/proxy/task.rs:127: ${started(MISSING, 'bytes=0-1')} ${HANDLER(MISSING)} ${TASK(MISSING, PEER_A)}`,
  `2026-11-28T10:15:03.004000Z ERROR ${PROXY}:download: ${CLIENT}/proxy/task.rs:133: download started failed by error: backend error: 404 Not Found ${HANDLER(MISSING)} ${TASK(MISSING, PEER_A)}`,
  `2026-11-28T10:15:03.004100Z ERROR ${PROXY}: ${CLIENT}/proxy/mod.rs:845: download task failed: BackendError { message: "404 Not Found", status_code: Some(404), header: None } ${HANDLER(MISSING)}`,
  // The small config blob: the whole content ≤ 4 MiB goes to the source directly (task.rs:520).
  `2026-11-28T10:15:04.000001Z  INFO ${PROXY}:download: ${CLIENT}/proxy/task.rs:127: ${started(CONFIG, 'bytes=0-879')} ${HANDLER(CONFIG)} ${TASK(CONFIG, PEER_A)}`,
  `2026-11-28T10:15:04.001000Z DEBUG ${PROXY}:download:download: ${CLIENT}/resource/task.rs:520: peer downloads the range task from source directly, skipping the scheduler ${HANDLER(CONFIG)} ${TASK(CONFIG, PEER_A, 880)}`,
  `2026-11-28T10:15:04.002000Z  INFO ${PROXY}:download:download: ${CLIENT}/resource/task.rs:537: all pieces are downloaded from source ${HANDLER(CONFIG)} ${TASK(CONFIG, PEER_A, 880)}`,
  `2026-11-28T10:15:04.002100Z DEBUG ${PROXY}:download: ${CLIENT}/proxy/task.rs:262: download task succeeded ${HANDLER(CONFIG)} ${TASK(CONFIG, PEER_A, 880)}`,
]

// Node B, in tracing-subscriber's Pretty layout (src/fmt/format/pretty.rs, Format<Pretty>::format_event
// with the same options: "  <time> <level> " plus one more space, the message; "    at <file>:<line>";
// "    in <span> with <k>: <v>, ..." innermost first; a blank line). dfdaemon 1.5.0 itself uses the
// compact layout; this covers deployments that switch. The layer comes from peers: piece 1 fails
// from the seed peer first (resource/task.rs:1338) and is then taken from node A.
const HOST_B = '172.21.0.4-node-b'
const PEER_B = `${HOST_B}-0b7d3c2a-1e4f-4a5b-8c6d-7e8f9a0b1c2d`
const prettySpans = (inner: string[]) =>
  [
    ...inner.map((s) => `    in ${s}`),
    `    in download with host_id: "${HOST_B}", task_id: "${LAYER}", peer_id: "${PEER_B}", content_length: 7901572`,
    '    in proxy_via_dfdaemon',
    '    in registry_mirror_http_handler',
    `    in handler with url: "/v2/fixture/blobs/sha256:${LAYER}?ns=reg:5000", method: "GET", remote_ip: "127.0.0.1"`,
  ].join('\n')
const FROM_PARENT = [
  'download_partial_with_scheduler_from_parent',
  'download_partial_with_scheduler',
  'download',
]
const NODE_B_PRETTY = `  2026-11-28T10:15:05.000001Z  INFO  ${started(LAYER, 'bytes=0-1')}
    at ${CLIENT}/proxy/task.rs:127
${prettySpans([]).replace(', content_length: 7901572', '')}

  2026-11-28T10:15:05.010000Z DEBUG  start to download piece ${LAYER}-0 from parent "${PEER_A2}"
    at ${CLIENT}/resource/task.rs:1317
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.020000Z DEBUG  finished piece ${LAYER}-0 from parent Some("${PEER_A2}") using protocol tcp
    at ${CLIENT}/resource/task.rs:1474
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.021000Z DEBUG  start to download piece ${LAYER}-1 from parent "${SEED}"
    at ${CLIENT}/resource/task.rs:1317
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.022000Z ERROR  download piece ${LAYER}-1 from parent "${SEED}" error: DownloadFromParentFailed(connection refused)
    at ${CLIENT}/resource/task.rs:1338
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.023000Z DEBUG  start to download piece ${LAYER}-1 from parent "${PEER_A2}"
    at ${CLIENT}/resource/task.rs:1317
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.030000Z DEBUG  finished piece ${LAYER}-1 from parent Some("${PEER_A2}") using protocol tcp
    at ${CLIENT}/resource/task.rs:1474
${prettySpans(FROM_PARENT)}

  2026-11-28T10:15:05.031000Z  INFO  all pieces are downloaded with scheduler
    at ${CLIENT}/resource/task.rs:602
${prettySpans(['download'])}

  2026-11-28T10:15:05.031100Z DEBUG  download task succeeded
    at ${CLIENT}/proxy/task.rs:262
${prettySpans([])}

`

async function records(input: string[] | string): Promise<DfdaemonRecord[]> {
  const out: DfdaemonRecord[] = []
  for await (const r of dfdaemonRecords(input)) out.push(r)
  return out
}

describe('dfdaemon log: the real P2P capture (two workers and the seed peer)', () => {
  const dir = path.join(import.meta.dirname, '../../../fixtures/logs/p2p-local')
  const TASK = '191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'
  const summary = (f: string) => summarizeDfdaemonLog(readFileSync(path.join(dir, f), 'utf8'))

  test('first worker: 3 small-range pieces from the source itself, all 17 pieces from the seed peer', async () => {
    const s = await summary('dfdaemon-worker.log')
    expect(Object.keys(s.tasks)).toEqual([TASK])
    const t = s.tasks[TASK]!
    expect(t).toMatchObject({
      started: 15,
      startedWithoutPrefetch: 0,
      succeeded: 15,
      failed: 0,
      peerFinished: 1,
    })
    // the snapshotter's HEAD: no rule for HEAD, so proxied straight to the origin without a task
    expect(s.proxiedDirectly).toEqual([
      { method: 'HEAD', url: 'http://d7y-stargz-registry:5000/v2/conformance/python/blobs/sha256:' + TASK },
    ])
    expect(t.hostIds).toEqual(['172.24.0.3-d7y-stargz-worker'])
    expect([...t.backToSource.smallRangePieceNumbers].sort((a, b) => a - b)).toEqual([0, 15, 16])
    expect(t.backToSource.needBackToSource).toBe(0)
    expect(t.remotePeer.piecesFinished).toBe(17)
    expect(t.remotePeer.parents).toEqual([
      '172.24.0.2-d7y-stargz-control-plane-cf3ff668-8bfb-494a-9ebb-bd50464f18a6-seed',
    ])
  })

  test('second worker: pieces 0 and 16 from the source, the rest from the seed and the first worker', async () => {
    const t = (await summary('dfdaemon-worker2.log')).tasks[TASK]!
    expect([...t.backToSource.smallRangePieceNumbers].sort((a, b) => a - b)).toEqual([0, 16])
    expect(t.remotePeer.parents).toHaveLength(2)
    expect(t).toMatchObject({ failed: 0, peerFinished: 1 })
  })

  test('seed peer: told to go back to source, all 17 pieces from it on the scheduler path, none as small ranges', async () => {
    const t = (await summary('dfdaemon-seed.log')).tasks[TASK]!
    expect(t.backToSource.needBackToSource).toBe(1)
    expect(t.backToSource.pieceNumbers).toHaveLength(17)
    expect(t.backToSource.smallRangePieceNumbers).toEqual([])
    expect(t.hostIds).toEqual(['172.24.0.2-d7y-stargz-control-plane-seed'])
  })
})

describe('dfdaemon log', () => {
  test('compact records: time, level, spans, location, message and decoded fields', async () => {
    const [first, second] = await records(NODE_A_COMPACT)
    expect(first).toMatchObject({
      time: '2026-11-28T10:15:02.120001Z',
      level: 'INFO',
      spans: ['handler', 'registry_mirror_http_handler', 'proxy_via_dfdaemon', 'download'],
      file: 'dragonfly-client/src/proxy/task.rs',
      line: 127,
      format: 'compact',
      fields: {
        url: `/v2/fixture/blobs/sha256:${LAYER}?ns=reg:5000`,
        method: 'GET',
        remote_ip: '127.0.0.1',
        host_id: HOST_A,
        task_id: LAYER,
        peer_id: PEER_A,
      },
    })
    expect(first?.message).toMatch(/^download task started: Download \{ url: ".*, \.\. \}$/)
    expect(second).toMatchObject({ level: 'DEBUG', fields: { content_length: '7901572', task_id: LAYER } })
    const event = first && classifyDfdaemonRecord(first)
    expect(event).toMatchObject({
      kind: 'started',
      taskId: LAYER,
      url: `${REG}/v2/fixture/blobs/sha256:${LAYER}`,
    })
  })

  test('node A: the layer went back to source, the missing blob failed, the config came from the source', async () => {
    const summary = await summarizeDfdaemonLog(NODE_A_COMPACT)
    expect(summary.records).toBe(NODE_A_COMPACT.length)
    expect(Object.keys(summary.tasks).sort()).toEqual([LAYER, CONFIG, MISSING].sort())
    const layer = summary.tasks[LAYER]
    expect(layer).toMatchObject({
      started: 2,
      succeeded: 2,
      failed: 0,
      peerIds: [PEER_A, PEER_A2],
      hostIds: [HOST_A],
      urls: [`${REG}/v2/fixture/blobs/sha256:${LAYER}`],
      backToSource: {
        needBackToSource: 1,
        allPiecesFromSource: 1,
        rangeFromSourceDirectly: 1,
        piecesStarted: 3,
        piecesFinished: 3,
      },
      remotePeer: { piecesStarted: 0, piecesFinished: 0, piecesFailed: 0, parents: [] },
      allPiecesWithScheduler: 1,
      firstSeen: '2026-11-28T10:15:02.120001Z',
      lastSeen: '2026-11-28T10:15:02.200100Z',
    })
    expect(layer && wentBackToSource(layer)).toBe(true)
    expect(layer && usedRemotePeers(layer)).toBe(false)
    expect(summary.tasks[MISSING]).toMatchObject({
      started: 1,
      succeeded: 0,
      failed: 1,
      errors: ['backend error: 404 Not Found'],
    })
    expect(summary.tasks[CONFIG]).toMatchObject({
      started: 1,
      succeeded: 1,
      backToSource: { rangeFromSourceDirectly: 1 },
    })
    // logged outside any task span: counted, not attributed
    expect(summary.unattributed).toEqual({ prefetchStarted: 1, prefetchFinished: 1, error: 1 })
  })

  test('node B (pretty layout): every piece from peers, one parent failed once', async () => {
    const all = await records(NODE_B_PRETTY)
    expect(all).toHaveLength(9)
    expect(all[1]).toMatchObject({
      format: 'pretty',
      level: 'DEBUG',
      file: 'dragonfly-client/src/resource/task.rs',
      line: 1317,
      spans: [
        'handler',
        'registry_mirror_http_handler',
        'proxy_via_dfdaemon',
        'download',
        'download',
        'download_partial_with_scheduler',
        'download_partial_with_scheduler_from_parent',
      ],
      message: `start to download piece ${LAYER}-0 from parent "${PEER_A2}"`,
      fields: { task_id: LAYER, peer_id: PEER_B, host_id: HOST_B, content_length: '7901572', method: 'GET' },
    })
    const summary = await summarizeDfdaemonLog(NODE_B_PRETTY)
    const layer = summary.tasks[LAYER]
    expect(layer).toMatchObject({
      started: 1,
      succeeded: 1,
      failed: 0,
      remotePeer: { piecesStarted: 3, piecesFinished: 2, piecesFailed: 1, parents: [PEER_A2, SEED] },
      backToSource: { needBackToSource: 0, allPiecesFromSource: 0, piecesStarted: 0 },
      allPiecesWithScheduler: 1,
    })
    expect(layer?.errors).toEqual(['DownloadFromParentFailed(connection refused)'])
    expect(layer && wentBackToSource(layer)).toBe(false)
    expect(layer && usedRemotePeers(layer)).toBe(true)
  })

  test('filter by task ids, while reading or afterwards', async () => {
    const only = await summarizeDfdaemonLog(NODE_A_COMPACT, { taskIds: [CONFIG] })
    expect(Object.keys(only.tasks)).toEqual([CONFIG])
    const all = await summarizeDfdaemonLog(NODE_A_COMPACT)
    expect(Object.keys(selectTasks(all, [LAYER, 'not-seen']).tasks)).toEqual([LAYER])
  })

  test('a truncated line is set apart, not glued to the record before it; garbage before the first record is skipped', async () => {
    const damaged = [
      'dfdaemon starting (banner)',
      ...NODE_A_COMPACT.slice(0, 6),
      '2026-11-28T10:15:02.1313',
      NODE_A_COMPACT[6] ?? '',
    ]
    const summary = await summarizeDfdaemonLog(damaged)
    expect(summary.records).toBe(7)
    expect(summary.strayLines).toBe(1)
    expect(summary.tasks[LAYER]).toMatchObject({ started: 1, succeeded: 1 })
  })

  test('a message over several lines keeps its span fields from the last line', async () => {
    const [r] = await records([
      `2026-11-28T10:15:03.004000Z ERROR ${PROXY}:download: ${CLIENT}/proxy/task.rs:310: download failed: backend error: first line`,
      `second line of the error ${HANDLER(MISSING)} ${TASK(MISSING, PEER_A)}`,
    ])
    expect(r?.message).toBe('download failed: backend error: first line\nsecond line of the error')
    expect(r?.fields.task_id).toBe(MISSING)
    expect(r && classifyDfdaemonRecord(r)).toMatchObject({
      kind: 'failed',
      error: 'backend error: first line\nsecond line of the error',
    })
  })

  test('prefixes (kubectl --timestamps, a journal), ANSI colours and escaped strings', async () => {
    const line = NODE_A_COMPACT[5] ?? ''
    const [kubectl] = await records([`2026-11-28T10:15:02.131250123Z ${line}`])
    const [journal] = await records([`Nov 28 10:15:02 node-a dfdaemon[812]: ${line}`])
    const [ansi] = await records([line.replace('DEBUG', '\x1b[34mDEBUG\x1b[0m')])
    for (const r of [kubectl, journal, ansi]) {
      expect(r).toMatchObject({ message: 'download task succeeded', fields: { task_id: LAYER } })
    }
    const [escaped] = await records([
      `2026-11-28T10:15:02.000000Z  INFO download: ${CLIENT}/proxy/task.rs:127: x task_id="a\\"b\\\\c\\u{e9}" n=1`,
    ])
    expect(escaped?.fields).toEqual({ task_id: 'a"b\\cé', n: '1' })
  })

  test('reads from a stream in arbitrary chunks', async () => {
    const text = NODE_A_COMPACT.join('\n') + '\n'
    const chunks = text.match(/[\s\S]{1,37}/g) ?? []
    const summary = await summarizeDfdaemonLog(lines(Readable.from(chunks.map((c) => Buffer.from(c)))))
    expect(summary.tasks[LAYER]?.succeeded).toBe(2)
  })
})

describe('dfdaemon log: a prefetch whose announce the scheduler refused (kind, 2026-12-06)', () => {
  const file = path.join(
    import.meta.dirname,
    '../../../fixtures/logs/prefetch-announce-refused/worker2-client.log',
  )
  const BLOB = 'sha256:bc20330ffd3b14954e10ba0a46c6221c8ddf55402100be92bdc342834a995cbd'

  test('the whole task ended with the prefetch, though the scheduler was never told', async () => {
    const s = await summarizeDfdaemonLog(readFileSync(file, 'utf8'))
    const task = s.tasks[BLOB.slice('sha256:'.length)]!
    expect(task.peerFinished).toBe(0)
    expect(s.prefetchEnded).toEqual([BLOB])
  })

  test('without the prefetch line the end is not read', async () => {
    const text = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('prefetch task finished'))
      .join('\n')
    expect((await summarizeDfdaemonLog(text)).prefetchEnded).toEqual([])
  })
})
