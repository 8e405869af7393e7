// Prometheus text exposition (format 0.0.4, what dfdaemon's :4002/metrics and the scheduler serve) →
// samples, plus the dfdaemon counters the suite reads. A small tokenizer rather than regexes, so that
// quoted label values with escapes (\\ \" \n) and commas or braces inside them parse exactly.
//
// dfdaemon 1.5.0 (crate dragonfly-client-metric, src/lib.rs) registers, with namespace "dragonfly" and
// subsystem "client", among others:
//   download_traffic{type}                       bytes of pieces per source; type is the TrafficType
//                                                 name: BACK_TO_SOURCE | REMOTE_PEER | LOCAL_PEER
//   upload_traffic                               bytes served to other peers
//   download_task_total{type,tag,app,priority}   type is the TaskType number ("0" = STANDARD)
//   download_task_failure_total{type,tag,app,priority}
//   backend_request_total{scheme,method}         requests to the origin (method HEAD: stat, GET: piece)
//   backend_request_failure_total{scheme,method}
//   proxy_request_total, proxy_request_failure_total, proxy_request_via_dfdaemon_total   (no labels)
//   prefetch_task_total{type,tag,app,priority}, prefetch_task_failure_total{...}
// It encodes them with the rust `prometheus` 0.13 TextEncoder: labels sorted by name, values in
// Rust's f64 formatting ("inf", "NaN" possible), no timestamps. `DELETE /metrics` resets them.
//
// Why not the npm package parse-prometheus-text-format (1.1.1, its latest release; issue 19
// asked for it): measured on the real scrape fixtures/metrics/dfdaemon-worker.prom through an adapter
// to these samples (2026-12-05), it
// - folds every labelled histogram series into one bucket map keyed by `le` alone (the last series
//   wins) and drops their labelled _sum and _count: 155 samples became 70, dfdaemon's per-method
//   backend and per-size task durations lost;
// - drops the last sample when the text does not end with a newline (process_virtual_memory_bytes);
// - takes a line cut mid-label-value (a scrape whose connection dropped) as a sample with value "",
//   and any value text ("twelve") as a value; duplicate labels silently keep the last; it reports no
//   malformed line, and throws on a malformed comment, losing the whole scrape.
// The traffic counters the checks read came out the same, but the parser's output did not; the tests
// in test/unit/evidence/prom-metrics.test.ts on that scrape fail with it (5 of 9). Hence this one.
import { eachLine, type LineInput } from './lines.ts'

export interface PromSample {
  name: string
  labels: Record<string, string>
  value: number
  /** milliseconds since the epoch, when the exposition gives one */
  timestamp?: number
}

export interface PromFamily {
  name: string
  type?: string
  help?: string
}

export interface PromMalformed {
  /** 1-based line number */
  line: number
  text: string
  reason: string
}

export interface PromExposition {
  samples: PromSample[]
  families: Record<string, PromFamily>
  malformed: PromMalformed[]
}

export type PromLine =
  | { kind: 'sample'; sample: PromSample }
  | { kind: 'help'; name: string; help: string }
  | { kind: 'type'; name: string; type: string }
  | { kind: 'skip' }
  | { kind: 'error'; reason: string }

export const DFDAEMON_METRICS = {
  downloadTraffic: 'dragonfly_client_download_traffic',
  uploadTraffic: 'dragonfly_client_upload_traffic',
  downloadTasks: 'dragonfly_client_download_task_total',
  downloadTaskFailures: 'dragonfly_client_download_task_failure_total',
  backendRequests: 'dragonfly_client_backend_request_total',
  backendRequestFailures: 'dragonfly_client_backend_request_failure_total',
  proxyRequestFailures: 'dragonfly_client_proxy_request_failure_total',
  proxyRequestsViaDfdaemon: 'dragonfly_client_proxy_request_via_dfdaemon_total',
  prefetchTasks: 'dragonfly_client_prefetch_task_total',
  prefetchTaskFailures: 'dragonfly_client_prefetch_task_failure_total',
} as const

/** Values of the `type` label of dragonfly_client_download_traffic (the API's TrafficType names). */
export const TRAFFIC_TYPES = ['BACK_TO_SOURCE', 'REMOTE_PEER', 'LOCAL_PEER'] as const

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/

/** Parses one line of the exposition. */
export function parsePromLine(line: string): PromLine {
  const text = line.trim()
  if (text === '') return { kind: 'skip' }
  if (text.startsWith('#')) return parseComment(text)
  try {
    return { kind: 'sample', sample: parseSample(text) }
  } catch (e) {
    return { kind: 'error', reason: (e as Error).message }
  }
}

/**
 * Parses a whole exposition. `keep` limits which sample names are retained (a large exposition
 * then costs memory only for what is asked for); malformed lines are reported, not thrown.
 */
export async function parsePromText(
  input: LineInput | string,
  keep: (name: string) => boolean = () => true,
): Promise<PromExposition> {
  const out: PromExposition = { samples: [], families: {}, malformed: [] }
  let n = 0
  for await (const line of eachLine(input)) {
    n++
    const parsed = parsePromLine(line)
    switch (parsed.kind) {
      case 'sample':
        if (keep(parsed.sample.name)) out.samples.push(parsed.sample)
        break
      case 'help':
        ;(out.families[parsed.name] ??= { name: parsed.name }).help = parsed.help
        break
      case 'type':
        ;(out.families[parsed.name] ??= { name: parsed.name }).type = parsed.type
        break
      case 'error':
        out.malformed.push({ line: n, text: line, reason: parsed.reason })
        break
      case 'skip':
        break
    }
  }
  return out
}

/** A label filter: exact value, one of several values, or a pattern. */
export type LabelMatch = Record<string, string | readonly string[] | RegExp>

export function matchesLabels(s: PromSample, match: LabelMatch = {}): boolean {
  return Object.entries(match).every(([k, want]) => {
    const have = s.labels[k] ?? ''
    if (typeof want === 'string') return have === want
    if (want instanceof RegExp) return want.test(have)
    return want.includes(have)
  })
}

export function selectSamples(
  samples: readonly PromSample[],
  name: string,
  match?: LabelMatch,
): PromSample[] {
  return samples.filter((s) => s.name === name && matchesLabels(s, match))
}

/** Sum of a metric's samples whose labels match; 0 when there are none (a counter never incremented). */
export function sumMetric(samples: readonly PromSample[], name: string, match?: LabelMatch): number {
  return selectSamples(samples, name, match).reduce((t, s) => t + s.value, 0)
}

/** Identity of a series: name and sorted labels. */
export function seriesKey(s: Pick<PromSample, 'name' | 'labels'>): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
  return `${s.name}{${labels.join(',')}}`
}

/**
 * Per-series increase between two scrapes of counters (after − before; a series new in `after`
 * counts whole). A counter that went down was reset (dfdaemon restarted, or DELETE /metrics): its
 * increase is its new value, as Prometheus' increase() treats resets.
 */
export function deltaSamples(before: readonly PromSample[], after: readonly PromSample[]): PromSample[] {
  const prior = new Map(before.map((s) => [seriesKey(s), s.value]))
  return after.map((s) => {
    const was = prior.get(seriesKey(s)) ?? 0
    return { name: s.name, labels: s.labels, value: s.value >= was ? s.value - was : s.value }
  })
}

export interface DfdaemonTraffic {
  backToSource: number
  remotePeer: number
  localPeer: number
  total: number
}

export interface DfdaemonCounters {
  /** bytes of downloaded pieces by where they came from */
  traffic: DfdaemonTraffic
  uploadTraffic: number
  downloadTasks: number
  downloadTaskFailures: number
  /** origin requests by HTTP method (HEAD = stat of the source, GET = piece from the source) */
  backendRequests: Record<string, number>
  backendRequestFailures: number
  proxyRequestFailures: number
  proxyRequestsViaDfdaemon: number
  prefetchTasks: number
  prefetchTaskFailures: number
}

export function dfdaemonTraffic(samples: readonly PromSample[]): DfdaemonTraffic {
  const by = (type: (typeof TRAFFIC_TYPES)[number]) =>
    sumMetric(samples, DFDAEMON_METRICS.downloadTraffic, { type })
  const t = { backToSource: by('BACK_TO_SOURCE'), remotePeer: by('REMOTE_PEER'), localPeer: by('LOCAL_PEER') }
  return { ...t, total: t.backToSource + t.remotePeer + t.localPeer }
}

/** The dfdaemon counters the suite reasons with, from one scrape (or a delta of two). */
export function dfdaemonCounters(samples: readonly PromSample[]): DfdaemonCounters {
  const sum = (name: string) => sumMetric(samples, name)
  const backendRequests: Record<string, number> = {}
  for (const s of selectSamples(samples, DFDAEMON_METRICS.backendRequests)) {
    const method = s.labels.method ?? ''
    backendRequests[method] = (backendRequests[method] ?? 0) + s.value
  }
  return {
    traffic: dfdaemonTraffic(samples),
    uploadTraffic: sum(DFDAEMON_METRICS.uploadTraffic),
    downloadTasks: sum(DFDAEMON_METRICS.downloadTasks),
    downloadTaskFailures: sum(DFDAEMON_METRICS.downloadTaskFailures),
    backendRequests,
    backendRequestFailures: sum(DFDAEMON_METRICS.backendRequestFailures),
    proxyRequestFailures: sum(DFDAEMON_METRICS.proxyRequestFailures),
    proxyRequestsViaDfdaemon: sum(DFDAEMON_METRICS.proxyRequestsViaDfdaemon),
    prefetchTasks: sum(DFDAEMON_METRICS.prefetchTasks),
    prefetchTaskFailures: sum(DFDAEMON_METRICS.prefetchTaskFailures),
  }
}

// "# HELP name text" and "# TYPE name type"; any other comment is skipped.
function parseComment(text: string): PromLine {
  const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(text)
  if (!m) return { kind: 'skip' }
  const name = m[2] ?? ''
  const rest = m[3] ?? ''
  if (m[1] === 'TYPE') return { kind: 'type', name, type: rest.trim() }
  // HELP escapes only backslash and newline.
  return { kind: 'help', name, help: rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) }
}

class Cursor {
  i = 0
  constructor(readonly s: string) {}
  skipSpace(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++
  }
  take(re: RegExp, what: string): string {
    const m = re.exec(this.s.slice(this.i))
    if (!m) throw new Error(`expected ${what} at column ${this.i + 1}`)
    this.i += m[0].length
    return m[0]
  }
  expect(c: string): void {
    if (this.s[this.i] !== c) throw new Error(`expected '${c}' at column ${this.i + 1}`)
    this.i++
  }
}

function parseSample(text: string): PromSample {
  const c = new Cursor(text)
  const name = c.take(METRIC_NAME, 'a metric name')
  const labels: Record<string, string> = {}
  c.skipSpace()
  if (c.s[c.i] === '{') {
    c.i++
    for (;;) {
      c.skipSpace()
      if (c.s[c.i] === '}') break
      const label = c.take(LABEL_NAME, 'a label name')
      c.skipSpace()
      c.expect('=')
      c.skipSpace()
      if (Object.hasOwn(labels, label)) throw new Error(`duplicate label ${label}`)
      labels[label] = labelValue(c)
      c.skipSpace()
      if (c.s[c.i] === ',') c.i++
      else if (c.s[c.i] !== '}') throw new Error(`expected ',' or '}' at column ${c.i + 1}`)
    }
    c.i++
  }
  const [valueText, timestampText, extra] = c.s
    .slice(c.i)
    .trim()
    .split(/[ \t]+/)
  if (valueText === undefined || valueText === '') throw new Error('missing value')
  if (extra !== undefined) throw new Error('trailing text after the timestamp')
  const sample: PromSample = { name, labels, value: parseValue(valueText) }
  if (timestampText !== undefined) {
    if (!/^-?\d+$/.test(timestampText)) throw new Error(`invalid timestamp ${timestampText}`)
    sample.timestamp = Number(timestampText)
  }
  return sample
}

// A double-quoted label value; the format defines exactly three escapes.
function labelValue(c: Cursor): string {
  c.expect('"')
  let out = ''
  for (;;) {
    const ch = c.s[c.i++]
    if (ch === undefined) throw new Error('unterminated label value')
    if (ch === '"') return out
    if (ch !== '\\') {
      out += ch
      continue
    }
    const esc = c.s[c.i++]
    if (esc === '\\' || esc === '"') out += esc
    else if (esc === 'n') out += '\n'
    else throw new Error(`invalid escape \\${esc ?? ''} in label value`)
  }
}

// Go's ParseFloat spellings as Prometheus accepts them, plus Rust's "inf" / "NaN" from the encoder.
function parseValue(v: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(v)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) throw new Error(`invalid value ${v}`)
  return Number(v)
}
