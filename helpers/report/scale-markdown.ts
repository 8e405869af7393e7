// reports/scale/summary.md: the scale report as tables — origin bytes and time per point, the
// fitted slopes, where the nodes' bytes came from, the P2P checks per Dragonfly point, the daemons'
// footprint, the stability series, and every sample that could not be measured.
import { median } from './benchmark-stats.ts'
import { seconds, shortDigest, size, table, utc } from './markdown-format.ts'
import {
  SCALE_CHECKS,
  SCALE_MODE_LABELS,
  type ScalePoint,
  type ScaleReport,
  type ScaleSample,
  type ScaleVerdictStatus,
  type Spread,
} from './scale-types.ts'

const x = (n: number) => `${n.toFixed(2)}x`
const spreadText = (s: Spread | undefined, f: (n: number) => string) =>
  s ? (s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`) : '–'
const pct = (n: number) => `${n.toFixed(0)} %`

function pointLabel(p: Pick<ScalePoint, 'n' | 'mode' | 'pattern'>): string[] {
  return [String(p.n), p.mode, p.pattern]
}

function verdictCell(counts: Record<ScaleVerdictStatus, number> | undefined): string {
  if (!counts) return '–'
  const parts: string[] = []
  if (counts.passed) parts.push(`✅ ${counts.passed}`)
  if (counts.failed) parts.push(`❌ ${counts.failed}`)
  if (counts['cannot judge']) parts.push(`cannot judge ${counts['cannot judge']}`)
  return parts.join(' ') || '–'
}

/** Per sample, the mean over its nodes of bytes from the source / peers / the seed, large layers together. */
export function perNodeMeans(s: ScaleSample): {
  fromSource: number
  fromPeers: number
  fromSeed: number
  originToNode: number
} {
  const sum = { fromSource: 0, fromPeers: 0, fromSeed: 0, originToNode: 0 }
  for (const l of s.layers)
    for (const n of l.nodes) {
      sum.fromSource += n.fromSource
      sum.fromPeers += n.fromPeers
      sum.fromSeed += n.fromSeed
      sum.originToNode += n.originToNode
    }
  const k = Math.max(1, s.workers.length)
  return {
    fromSource: sum.fromSource / k,
    fromPeers: sum.fromPeers / k,
    fromSeed: sum.fromSeed / k,
    originToNode: sum.originToNode / k,
  }
}

function pointSamples(r: ScaleReport, p: ScalePoint): ScaleSample[] {
  return r.samples.filter(
    (s) => s.kind === 'scale' && s.n === p.n && s.mode === p.mode && s.pattern === p.pattern && !s.error,
  )
}

export function scaleMarkdown(r: ScaleReport): string {
  const layers = r.image.largeLayers
  const out: string[] = [
    '# Scale: origin traffic and time to the last node vs the number of workers',
    '',
    `Measured ${utc(r.measuredAt)}, ${r.profile} profile, cluster of ${r.clusterWorkers} worker(s); each point ` +
      `used the first N. Image \`${r.image.ref}\`, large layer(s) ${layers.map((l) => `${shortDigest(l.digest)} ${size(l.size)}`).join(', ') || 'none'}. ` +
      `${r.repetitions} repetition(s) per point, every sample from clean state (image state, dfdaemon and seed peer caches). ` +
      (r.blobs === 'fresh'
        ? "Every sample pulled its own copy of the image with each layer's gzip header restamped: new blobs, so new Dragonfly tasks, as a rollout of a new version would pull. "
        : r.blobs === 'same'
          ? 'Every sample pulled the same blobs (the same Dragonfly tasks, with whatever state the scheduler kept from earlier samples). '
          : '') +
      `Modes: ${r.modes.map((m) => SCALE_MODE_LABELS[m]).join('; ')}. Patterns: ${r.patterns.join(', ')} ` +
      `(concurrent: every worker starts the pull at once; sequential: one after the other).`,
    '',
    '## Origin bytes and time per point',
    '',
    'Median (min–max) over the repetitions. Origin bytes: what the origin registry wrote for the large layers; ' +
      "raw amplification: that over the layers' size; attributed: single back-to-source's figure with each " +
      "node's own small-range reads excused. Time: p50 and max of the nodes' own pull + run times, and from one " +
      "shared start until the last node's output.",
    '',
    table(
      [
        'N',
        'mode',
        'pattern',
        'measured',
        'origin bytes',
        'raw',
        'attributed',
        'last node',
        'p50 node',
        'max node',
      ],
      r.points.map((p) => [
        ...pointLabel(p),
        `${p.measured}/${p.samples}`,
        spreadText(p.originBytes, size),
        spreadText(p.rawAmplification, x),
        spreadText(p.attributedAmplification, x),
        spreadText(p.lastNodeMs, seconds),
        spreadText(p.p50Ms, seconds),
        spreadText(p.maxMs, seconds),
      ]),
      ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    '## Fitted slope: origin bytes per additional node',
    '',
    'Least squares of origin bytes over N, every measured sample one observation.',
    '',
    table(
      ['mode', 'pattern', 'N fitted', 'samples', 'slope per node', 'share of layer', 'intercept', 'r²'],
      r.fits.map((f) => [
        f.mode,
        f.pattern,
        f.ns.join(', ') || '–',
        f.samples,
        f.slopeBytesPerNode === null ? 'needs 2 N' : `${(f.slopeBytesPerNode / 2 ** 20).toFixed(1)} MiB`,
        f.slopeShareOfLayer === null ? '–' : `${(f.slopeShareOfLayer * 100).toFixed(1)} %`,
        f.interceptBytes === null ? '–' : `${(f.interceptBytes / 2 ** 20).toFixed(1)} MiB`,
        f.r2 === null ? '–' : f.r2.toFixed(3),
      ]),
      ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    "## Where each node's bytes came from",
    '',
    "Per node (mean over the sample's nodes; median over the repetitions), large layers together: the origin's " +
      "log for the node's address, and dfdaemon's log: distinct pieces finished from the source, from parent " +
      "peers, and of those from the seed peer. Seed from source: what the seed peer's dfdaemon fetched.",
    '',
    table(
      [
        'N',
        'mode',
        'pattern',
        'origin → node',
        'from source',
        'from peers',
        'of which seed',
        'seed from source',
      ],
      r.points.map((p) => {
        const ss = pointSamples(r, p)
        const means = ss.map(perNodeMeans)
        const med = (f: (m: ReturnType<typeof perNodeMeans>) => number) =>
          means.length ? size(Math.round(median(means.map(f)))) : '–'
        const seed = ss.flatMap((s) =>
          s.layers.every((l) => l.seedFromSource !== undefined)
            ? [s.layers.reduce((a, l) => a + (l.seedFromSource ?? 0), 0)]
            : [],
        )
        return [
          ...pointLabel(p),
          med((m) => m.originToNode),
          p.mode === 'dragonfly' ? med((m) => m.fromSource) : '–',
          p.mode === 'dragonfly' ? med((m) => m.fromPeers) : '–',
          p.mode === 'dragonfly' ? med((m) => m.fromSeed) : '–',
          seed.length ? size(Math.round(median(seed))) : '–',
        ]
      }),
      ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    '## P2P checks on every Dragonfly point',
    '',
    'Samples per verdict. N = 1 cannot be judged by design (one node leaves the origin once with or without P2P).',
    '',
  ]
  const dragonfly = r.points.filter((p) => p.mode === 'dragonfly')
  out.push(
    dragonfly.length
      ? table(
          ['N', 'pattern', ...SCALE_CHECKS],
          dragonfly.map((p) => [
            String(p.n),
            p.pattern,
            ...SCALE_CHECKS.map((c) => verdictCell(p.verdicts[c])),
          ]),
        )
      : 'No Dragonfly point was measured.',
  )
  const failures = r.samples.flatMap((s) =>
    SCALE_CHECKS.flatMap((c) => {
      const v = s.verdicts?.[c]
      return v?.status === 'failed'
        ? [
            `- ${s.kind === 'stability' ? 'stability ' : ''}N=${s.n} ${s.pattern} #${s.rep} \`${c}\`: ${v.diagnosis}`,
          ]
        : []
    }),
  )
  if (failures.length) out.push('', 'Failed verdicts:', '', ...failures)
  out.push(
    '',
    '## Peak memory and CPU during the samples',
    '',
    "Median (min–max) over the repetitions of each sample's peak; for dfdaemon and node containers the " +
      'busiest instance. Processes: resident set from /proc (VmRSS) and CPU between two polls (about 1 s ' +
      'apart), percent of one core; containers: their cgroup (memory in use without inactive file cache, as ' +
      'docker stats counts it; CPU between reads), docker stats where the cgroup cannot be read.',
    '',
    table(
      ['N', 'mode', 'pattern', 'dfdaemon', 'seed peer', 'scheduler', 'node container'],
      r.points.map((p) => [
        ...pointLabel(p),
        ...(['dfdaemon', 'seed-peer', 'scheduler', 'container'] as const).map((k) => {
          const res = p.resources[k]
          return res ? `${spreadText(res.memBytes, size)}, ${spreadText(res.cpuPercent, pct)}` : '–'
        }),
      ]),
    ),
  )
  if (r.stability) {
    const s = r.stability
    const dist = (d: typeof s.raw) =>
      d ? `${x(d.min)} / ${x(d.q1)} / ${x(d.median)} / ${x(d.q3)} / ${x(d.max)}` : '–'
    out.push(
      '',
      '## Stability: the 2-worker concurrent Dragonfly pull, repeated',
      '',
      `${s.measured} of ${s.runs} run(s) measured; single back-to-source passed ${s.singleBackToSourcePassed} time(s).`,
      '',
      table(
        ['amplification', 'min / q1 / median / q3 / max', 'every run'],
        [
          ['raw', dist(s.raw), s.raw?.values.map((v) => v.toFixed(2)).join(', ') ?? '–'],
          ['attributed', dist(s.attributed), s.attributed?.values.map((v) => v.toFixed(2)).join(', ') ?? '–'],
        ],
      ),
    )
  }
  const failed = r.samples.filter((s) => s.error)
  if (failed.length)
    out.push(
      '',
      '## Samples not measured',
      '',
      ...failed.map(
        (s) =>
          `- ${s.kind === 'stability' ? 'stability ' : ''}N=${s.n} ${s.mode} ${s.pattern} #${s.rep}: ${s.error}`,
      ),
    )
  const waits = r.samples.filter((s) => !s.error && s.waited !== true)
  if (waits.length)
    out.push(
      '',
      'Evidence collected without waiting for background fetching to end:',
      '',
      ...waits.map((s) => `- N=${s.n} ${s.mode} ${s.pattern} #${s.rep}: ${String(s.waited)}`),
    )
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`))
  return out.join('\n') + '\n'
}
