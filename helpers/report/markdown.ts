// reports/summary.md: the run on one page for people: verdict, loud notes, every check with its
// one-line diagnosis, versions under test, origin amplification, and the cold-start benchmark.
import { componentsOf } from './profile-components.ts'
import {
  BENCHMARK_MODES,
  MODE_LABELS,
  MODE_SHORT,
  PIECE_ROUTE_LABELS,
  type BenchmarkReport,
} from './benchmark-types.ts'
import { PIECE_ROUTES } from '../evidence/piece-timings.ts'
import type { DaemonFootprint } from '../evidence/daemon-footprint.ts'
import type { FaultResult } from '../faults/result.ts'
import { FAULT_CHECKS, type FaultCheck } from '../faults/checks-and-causes.ts'
import { seconds, shortDigest, size, STATUS_MARK, table, utc } from './markdown-format.ts'
import type { Summary } from './summary.ts'
import type { OnDemandFigures, OriginRow } from '../evidence/origin-figures.ts'

export interface MarkdownOptions {
  /** relative link of the cold-start chart image (PNG), when one was drawn */
  chartImage?: string
  /** relative link of the same chart as SVG */
  chartSvg?: string
  /** shown instead of the image: why there is none, or where to find it */
  chartNote?: string
}

export function summaryMarkdown(summary: Summary, options: MarkdownOptions = {}): string {
  const parts = [
    header(summary),
    notesSection(summary.notes),
    checksSection(summary),
    versionsSection(summary),
    originSection(summary.origin),
    summary.footprint?.length ? footprintSection(summary.footprint) : '',
    summary.benchmark ? benchmarkSection(summary.benchmark, options) : '',
    summary.faults?.length ? faultSection(summary.faults) : '',
  ]
  return `${parts.filter(Boolean).join('\n\n')}\n`
}

function header(s: Summary): string {
  const count = (status: string) => s.checks.filter((c) => c.status === status).length
  const verdict = s.passed ? '✅ PASSED' : '❌ FAILED'
  const took = duration(s.startedAt, s.finishedAt)
  return [
    `# Dragonfly + stargz conformance: ${verdict}`,
    '',
    `Profile \`${s.profile}\` · run \`${s.runId}\` · ${utc(s.startedAt)} → ${utc(s.finishedAt)}${took ? ` (${took})` : ''}`,
    '',
    `**${count('passed')} passed, ${count('failed')} failed, ${count('not run')} not run** of ${s.checks.length} checks.`,
  ].join('\n')
}

function duration(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from)
  if (!Number.isFinite(ms) || ms < 0) return ''
  const total = Math.round(ms / 1000)
  const m = Math.floor(total / 60)
  return m ? `${m} min ${total % 60} s` : `${total} s`
}

function notesSection(notes: string[]): string {
  if (notes.length === 0) return ''
  return ['## ⚠️ Notes', '', ...notes.map((n) => `> **${n.replace(/\s+/g, ' ').trim()}**\n>`)]
    .join('\n')
    .replace(/\n>$/, '')
}

function checksSection(s: Summary): string {
  const rows = s.checks.map((c) => [STATUS_MARK[c.status], `${c.title} (\`${c.id}\`)`, c.diagnosis])
  return ['## Checks', '', table(['Result', 'Check', 'Diagnosis'], rows)].join('\n')
}

/**
 * The profile's components: the pin (asked for) beside what the component said where it ran; a tool
 * the suite runs itself (kind, helm) was run to check its version when obtained; a pin nothing
 * confirmed says so.
 */
function versionsSection(s: Summary): string {
  const components = componentsOf(s.profile)
  const entries = new Map(s.toolSources.map((t) => [t.name, t]))
  const ran = s.versions.ran ?? {}
  const confirmed = (name: string) => {
    const t = entries.get(name)
    if (ran[name]) return ran[name]
    if (t && !t.ran) return `${t.version} (checked when obtained)`
    return '_not confirmed where it runs_'
  }
  const names = [...new Set<string>([...components.tools, ...Object.keys(ran)])]
  const rows: string[][] = [
    ...names.map((name) => [
      name,
      s.versions.tools[name] ?? s.versions.images[name] ?? '',
      confirmed(name),
      entries.get(name)?.source ?? '',
    ]),
    ...(components.chart ? [['dragonfly chart', s.versions.chart, '', '']] : []),
    ...components.images
      .filter((name) => !(name in ran))
      .map((name) => [`image ${name}`, s.versions.images[name] ?? '', '', '']),
  ]
  return [
    '## Versions under test',
    '',
    table(['Component', 'Pinned', 'Ran (as the component said, where it runs)', 'Obtained from'], rows),
  ].join('\n')
}

function footprintSection(footprint: DaemonFootprint[]): string {
  const rows = footprint.map((f) => [
    f.component,
    f.node,
    size(f.highWaterMemBytes),
    `${f.cpuSeconds.toFixed(1)} s`,
    f.processes,
  ])
  return [
    '## Daemon footprint (through the P2P pull)',
    '',
    "Read from /proc on every node once the P2P pull's evidence was in: the peak resident memory",
    '(VmHWM) and CPU time since each process started. A daemon that restarted covers less.',
    '',
    table(['Component', 'Node', 'Peak memory', 'CPU time', 'Processes'], rows, [
      'left',
      'left',
      'right',
      'right',
      'right',
    ]),
  ].join('\n')
}

function originSection(origin: Summary['origin']): string {
  const block = (title: string, explain: string, rows: OriginRow[] | undefined) => {
    if (!rows?.length) return `### ${title}\n\n_Not measured: the run stopped before this pull._`
    const body = rows.map((r) => [
      `\`${shortDigest(r.digest)}\``,
      /config/i.test(r.mediaType ?? '') ? 'config' : 'layer',
      size(r.size),
      r.nodes,
      size(r.bytesServed),
      `${r.amplification.toFixed(2)}×`,
    ])
    const header = ['Blob', 'Kind', 'Size', 'Nodes', 'Bytes served', 'Amplification']
    return [
      `### ${title}`,
      '',
      explain,
      '',
      table(header, body, ['left', 'left', 'right', 'right', 'right', 'right']),
    ].join('\n')
  }
  return [
    '## Origin amplification',
    '',
    'Bytes the origin registry served per blob divided by the blob size: with P2P a large layer',
    'leaves the origin about once for the whole cluster; without it, once per node.',
    '',
    block('P2P pull (through Dragonfly)', 'Every worker pulled through its dfdaemon.', origin.p2p),
    '',
    ...onDemandLines(origin.p2pOnDemand),
    block(
      'Negative control (mirror bypassed)',
      'The same pull with every worker pointed straight at the origin.',
      origin.control,
    ),
  ].join('\n')
}

/** What the P2P pull's on-demand source reads cost, per large layer (single-back-to-source's figures). */
function onDemandLines(figures: OnDemandFigures[] | undefined): string[] {
  if (!figures?.length) return []
  return [
    ...figures.map(
      (f) =>
        `On-demand source reads of \`${shortDigest(f.digest)}\`: ${size(f.excusedBytes)} that P2P could not have served` +
        ` (no peer had the piece yet, or the node's own task had not yet put it in flight; parents named after the first read: ` +
        `${
          Object.entries(f.parentWaitMs)
            .map(([n, ms]) => `${n} ${ms} ms`)
            .join(', ') || 'no wait'
        }), ${f.missedReads} read(s) of pieces a peer held, ` +
        `${size(f.fetchedTwiceBytes)} fetched twice (from the origin on demand and again from peers).`,
    ),
    '',
  ]
}

function benchmarkSection(b: BenchmarkReport, options: MarkdownOptions): string {
  const withNotes = b.images.some((i) => i.results.some((r) => r.note))
  const rows = b.images.flatMap((image) =>
    BENCHMARK_MODES.flatMap((mode) => {
      const r = image.results.find((x) => x.mode === mode)
      if (!r) return []
      const { minMs, maxMs, q1Ms, q3Ms } = r.spread
      return [
        [
          image.name,
          MODE_LABELS[mode],
          seconds(r.medianMs),
          `${seconds(minMs)} – ${seconds(maxMs)} (IQR ${seconds(q1Ms)} – ${seconds(q3Ms)})`,
          size(r.originBytes),
          r.ratioToOci === null ? '—' : `${r.ratioToOci.toFixed(2)}×`,
          ...(withNotes ? [r.note ?? ''] : []),
        ],
      ]
    }),
  )
  const where = [
    `${b.samples} sample(s) per image and mode`,
    b.node ? `on ${b.node}` : '',
    b.measuredAt ? utc(b.measuredAt) : '',
  ]
  const images = b.images.map(
    (i) =>
      `- **${i.name}**: \`${i.versionCommand.join(' ')}\`, large layer ${size(i.largeLayerSize)}${i.ref ? `, \`${i.ref}\`` : ''}`,
  )
  const chart = options.chartImage
    ? `![Cold start: pull + run time per image and mode](${options.chartImage})${options.chartSvg ? `\n\n[SVG](${options.chartSvg})` : ''}`
    : options.chartNote
      ? `_${options.chartNote}_`
      : ''
  return [
    '## Cold start (pull + run)',
    '',
    `Wall time of pulling the image and running its version command; ${where.filter(Boolean).join(', ')}.`,
    '',
    ...images,
    '',
    chart,
    '',
    table(
      [
        'Image',
        'Mode',
        'Median',
        'Spread (min – max)',
        'Origin bytes',
        'vs OCIv1',
        ...(withNotes ? ['Note'] : []),
      ],
      rows,
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    piecesTable(b),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
}

/** Where the Dragonfly modes' pieces came from on the pulling node, and how long each took. */
function piecesTable(b: BenchmarkReport): string {
  const rows = b.images.flatMap((image) =>
    image.results.flatMap((r) =>
      PIECE_ROUTES.filter((route) => r.pieces?.[route]).map((route) => {
        const p = r.pieces![route]!
        return [
          image.name,
          MODE_SHORT[r.mode],
          PIECE_ROUTE_LABELS[route],
          String(p.count),
          `${Math.round(p.medianMs)} ms`,
          `${Math.round(p.maxMs)} ms`,
        ]
      }),
    ),
  )
  if (!rows.length) return ''
  return [
    "Where the large layer's pieces came from on the pulling node (dfdaemon's DEBUG log; medians over the samples):",
    '',
    table(['Image', 'Mode', 'Pieces', 'Count', 'Median per piece', 'Max per piece'], rows, [
      'left',
      'left',
      'left',
      'right',
      'right',
      'right',
    ]),
  ].join('\n')
}

/** The fault × check matrix: what each fault turned red (expected ✓ / unexpected ·), and its cause. */
function faultSection(results: FaultResult[]): string {
  const checks = FAULT_CHECKS
  const cell = (r: FaultResult, c: FaultCheck) => {
    const red = !r.observed[c]?.passed
    const expected = r.expectRed.includes(c)
    if (r.error) return '—'
    if (expected) return red ? '🔴 ✓' : '🟢 **FALSE PASS**'
    if (r.control) return red ? '🔴 **FALSE ALARM**' : '🟢'
    return red ? '🔴 ·' : '🟢'
  }
  const rows = results.map(
    (r) =>
      `| ${r.ok ? '✅' : '❌'} \`${r.id}\` | ${checks.map((c) => cell(r, c)).join(' | ')} | \`${r.cause.code}\`${r.causeMatches ? '' : ` (expected \`${r.expectedCause}\`)`} | ${escapeCell(r.error ? `could not run: ${r.error}` : r.cause.sentence)} | ${(r.durationMs / 1000).toFixed(0)} s |`,
  )
  const bad = results.filter((r) => !r.ok).length
  return [
    '## Fault catalog',
    '',
    `${results.length} entries, ${bad} failing (false pass, false alarm, misdiagnosis or could not run). 🔴 ✓ red as expected · 🔴 · also red · 🟢 green.`,
    '',
    `| fault | ${checks.join(' | ')} | cause | diagnosis | time |`,
    `|---|${checks.map(() => '---').join('|')}|---|---|---|`,
    ...rows,
  ].join('\n')
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
