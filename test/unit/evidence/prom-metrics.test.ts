import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  deltaSamples,
  DFDAEMON_METRICS,
  dfdaemonCounters,
  dfdaemonTraffic,
  parsePromLine,
  parsePromText,
  selectSamples,
  seriesKey,
  sumMetric,
} from '../../../helpers/evidence/prom-metrics.ts'

// Constructed text for the parser's corner cases (a real scrape is judged at the end of this file): this text
// follows what dfdaemon 1.5.0 serves, built from its source, not captured. Names, label names and
// label values: crate dragonfly-client-metric 1.5.0, src/lib.rs (download_traffic{type} at line 208,
// download_task_total{type,tag,app,priority} at 124, backend_request_total{scheme,method} at 251,
// proxy_request_total at 294, proxy_request_via_dfdaemon_total at 322; namespace "dragonfly",
// subsystem "client" from dragonfly-client-config 1.5.0 src/lib.rs:30,33); traffic types are
// TrafficType::as_str_name() of dragonfly-api 2.2.32; task type "0" is TaskType::Standard, priority "6"
// the proxy's default. Layout: the rust `prometheus` 0.13.4 TextEncoder (src/encoder/text.rs): HELP,
// TYPE, labels sorted by name, f64 Display values, histogram buckets then _sum and _count; the custom
// registry first, then the process collector's. HELP wording here is ours.
const DFDAEMON_SCRAPE = `# HELP dragonfly_client_download_task_total Downloads started.
# TYPE dragonfly_client_download_task_total counter
dragonfly_client_download_task_total{app="",priority="6",tag="",type="0"} 5
# HELP dragonfly_client_download_task_failure_total Downloads failed.
# TYPE dragonfly_client_download_task_failure_total counter
dragonfly_client_download_task_failure_total{app="",priority="6",tag="",type="0"} 1
# HELP dragonfly_client_download_traffic Downloaded bytes by source.
# TYPE dragonfly_client_download_traffic counter
dragonfly_client_download_traffic{type="BACK_TO_SOURCE"} 4194304
dragonfly_client_download_traffic{type="LOCAL_PEER"} 1572
dragonfly_client_download_traffic{type="REMOTE_PEER"} 7901572
# HELP dragonfly_client_upload_traffic Uploaded bytes.
# TYPE dragonfly_client_upload_traffic counter
dragonfly_client_upload_traffic 3707268
# HELP dragonfly_client_download_task_duration_milliseconds Download durations.
# TYPE dragonfly_client_download_task_duration_milliseconds histogram
dragonfly_client_download_task_duration_milliseconds_bucket{task_size_level="1",task_type="0",le="1"} 0
dragonfly_client_download_task_duration_milliseconds_bucket{task_size_level="1",task_type="0",le="2"} 1
dragonfly_client_download_task_duration_milliseconds_bucket{task_size_level="1",task_type="0",le="+Inf"} 4
dragonfly_client_download_task_duration_milliseconds_sum{task_size_level="1",task_type="0"} 812.5
dragonfly_client_download_task_duration_milliseconds_count{task_size_level="1",task_type="0"} 4
# HELP dragonfly_client_backend_request_total Requests to the source.
# TYPE dragonfly_client_backend_request_total counter
dragonfly_client_backend_request_total{method="GET",scheme="http"} 2
dragonfly_client_backend_request_total{method="HEAD",scheme="http"} 5
# HELP dragonfly_client_proxy_request_total Proxy requests.
# TYPE dragonfly_client_proxy_request_total counter
dragonfly_client_proxy_request_total 12
# HELP dragonfly_client_proxy_request_failure_total Failed proxy requests.
# TYPE dragonfly_client_proxy_request_failure_total counter
dragonfly_client_proxy_request_failure_total 0
# HELP dragonfly_client_proxy_request_via_dfdaemon_total Proxy requests through P2P.
# TYPE dragonfly_client_proxy_request_via_dfdaemon_total counter
dragonfly_client_proxy_request_via_dfdaemon_total 5
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.23
# HELP process_max_fds Maximum number of open file descriptors.
# TYPE process_max_fds gauge
process_max_fds 1048576
`

describe('Prometheus text exposition', () => {
  test('dfdaemon scrape: traffic by source and the request counters', async () => {
    const { samples, families, malformed } = await parsePromText(DFDAEMON_SCRAPE)
    expect(malformed).toEqual([])
    expect(samples).toHaveLength(18)
    expect(families[DFDAEMON_METRICS.downloadTraffic]).toEqual({
      name: DFDAEMON_METRICS.downloadTraffic,
      help: 'Downloaded bytes by source.',
      type: 'counter',
    })
    expect(dfdaemonTraffic(samples)).toEqual({
      backToSource: 4_194_304,
      remotePeer: 7_901_572,
      localPeer: 1572,
      total: 4_194_304 + 7_901_572 + 1572,
    })
    expect(dfdaemonCounters(samples)).toEqual({
      traffic: dfdaemonTraffic(samples),
      uploadTraffic: 3_707_268,
      downloadTasks: 5,
      downloadTaskFailures: 1,
      backendRequests: { GET: 2, HEAD: 5 },
      backendRequestFailures: 0,
      proxyRequestFailures: 0,
      proxyRequestsViaDfdaemon: 5,
      prefetchTasks: 0,
      prefetchTaskFailures: 0,
    })
    expect(
      sumMetric(samples, DFDAEMON_METRICS.backendRequests, { method: ['GET', 'HEAD'], scheme: /^https?$/ }),
    ).toBe(7)
    expect(
      sumMetric(samples, 'dragonfly_client_download_task_duration_milliseconds_bucket', { le: '+Inf' }),
    ).toBe(4)
  })

  test('keep only the names asked for', async () => {
    const { samples } = await parsePromText(DFDAEMON_SCRAPE, (n) =>
      n.startsWith('dragonfly_client_download_traffic'),
    )
    expect(samples.map((s) => s.labels.type)).toEqual(['BACK_TO_SOURCE', 'LOCAL_PEER', 'REMOTE_PEER'])
  })

  test('label values with escapes, commas and braces; spacing; timestamps; special values', () => {
    const line = String.raw`m{path="C:\\dir",msg="say \"hi\"\nbye", odd = "a,b}{c" ,} +Inf 1700000000000`
    expect(parsePromLine(line)).toEqual({
      kind: 'sample',
      sample: {
        name: 'm',
        labels: { path: 'C:\\dir', msg: 'say "hi"\nbye', odd: 'a,b}{c' },
        value: Infinity,
        timestamp: 1_700_000_000_000,
      },
    })
    expect(parsePromLine('x inf')).toMatchObject({ sample: { value: Infinity } })
    expect(parsePromLine('x -Inf')).toMatchObject({ sample: { value: -Infinity } })
    expect(parsePromLine('x NaN')).toMatchObject({ sample: { value: NaN } })
    expect(parsePromLine('x 1.5e3')).toMatchObject({ sample: { value: 1500 } })
    expect(parsePromLine('x{} 2')).toMatchObject({ sample: { name: 'x', labels: {}, value: 2 } })
    expect(parsePromLine(String.raw`# HELP x a \\ b\nc`)).toEqual({
      kind: 'help',
      name: 'x',
      help: 'a \\ b\nc',
    })
    expect(parsePromLine('# some comment')).toEqual({ kind: 'skip' })
  })

  test('malformed lines are reported with their line number, the rest still parses', async () => {
    const text = [
      'ok 1',
      'bad{a="x} 1',
      'bad{a="\\t"} 1',
      'bad 1 2 3',
      'bad twelve',
      'bad{a="1",a="2"} 1',
      'ok 2',
    ].join('\n')
    const { samples, malformed } = await parsePromText(text)
    expect(sumMetric(samples, 'ok')).toBe(3)
    expect(malformed.map((m) => [m.line, m.reason])).toEqual([
      [2, 'unterminated label value'],
      [3, 'invalid escape \\t in label value'],
      [4, 'trailing text after the timestamp'],
      [5, 'invalid value twelve'],
      [6, 'duplicate label a'],
    ])
  })

  test('deltas between scrapes, with a counter reset', async () => {
    const before = (await parsePromText(DFDAEMON_SCRAPE)).samples
    const after = (
      await parsePromText(
        DFDAEMON_SCRAPE.replace('{type="REMOTE_PEER"} 7901572', '{type="REMOTE_PEER"} 15803144').replace(
          'upload_traffic 3707268',
          'upload_traffic 3000',
        ),
      )
    ).samples
    const delta = deltaSamples(before, after)
    expect(dfdaemonTraffic(delta)).toMatchObject({ remotePeer: 7_901_572, backToSource: 0, localPeer: 0 })
    expect(dfdaemonCounters(delta).uploadTraffic).toBe(3000) // went down: reset, counts its new value
    expect(seriesKey({ name: 'm', labels: { b: '1', a: '2' } })).toBe('m{a="2",b="1"}')
  })
})

describe('a real dfdaemon 1.5.0 scrape (fixtures/metrics)', () => {
  const text = readFileSync(
    path.join(import.meta.dirname, '../../../fixtures/metrics/dfdaemon-worker.prom'),
    'utf8',
  )

  test('traffic by source and the proxy counters', async () => {
    const { samples } = await parsePromText(text)
    expect(dfdaemonTraffic(samples)).toEqual({
      backToSource: 8_794_197,
      remotePeer: 58_720_256, // 14 whole 4 MiB pieces from peers
      localPeer: 42_348_629,
      total: 8_794_197 + 58_720_256 + 42_348_629,
    })
    const c = dfdaemonCounters(samples)
    expect(c.proxyRequestsViaDfdaemon).toBe(13)
    expect(c.downloadTasks).toBe(14)
  })

  // What a parser that groups samples by family (parse-prometheus-text-format 1.1.1) loses on this
  // scrape: it folds every labelled histogram series into one bucket map and drops their _sum/_count
  // (155 samples became 70), so the hand-written parser stays (prom-metrics.ts says why).
  test('every series keeps its own labels, histograms included', async () => {
    const { samples, families, malformed } = await parsePromText(text)
    expect(malformed).toEqual([])
    expect(samples).toHaveLength(155)
    expect(Object.keys(families)).toHaveLength(19)
    const count = (name: string, label: string) =>
      selectSamples(samples, `dragonfly_client_${name}_count`).map((s) => [s.labels[label], s.value])
    expect(count('backend_request_duration_milliseconds', 'method')).toEqual([
      ['GET', 3],
      ['HEAD', 1],
    ])
    expect(count('download_task_duration_milliseconds', 'task_size_level')).toEqual([
      ['1', 12],
      ['2', 1],
      ['7', 1],
    ])
    const bucket = 'dragonfly_client_backend_request_duration_milliseconds_bucket'
    expect(sumMetric(samples, bucket, { method: 'GET', le: '+Inf' })).toBe(3)
    expect(sumMetric(samples, bucket, { method: 'HEAD', le: '+Inf' })).toBe(1)
  })

  test('the last line counts without a final newline', async () => {
    const whole = await parsePromText(text)
    const { samples } = await parsePromText(text.trimEnd())
    expect(selectSamples(samples, 'process_virtual_memory_bytes').map((s) => s.value)).toEqual([283734016])
    expect(samples).toEqual(whole.samples)
  })

  test('a scrape cut mid-line (a dropped connection) reports the cut line, never a sample of it', async () => {
    const cut = text.slice(0, text.indexOf('{type="REMOTE_PEER"}') + '{type="RE'.length)
    const { samples, malformed } = await parsePromText(cut)
    expect(malformed).toEqual([
      { line: 160, text: 'dragonfly_client_download_traffic{type="RE', reason: 'unterminated label value' },
    ])
    expect(dfdaemonTraffic(samples)).toMatchObject({ backToSource: 8_794_197, remotePeer: 0 })
    expect(selectSamples(samples, 'dragonfly_client_download_traffic')).toHaveLength(2)
  })
})
