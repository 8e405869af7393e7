// The flake series: the same conformance run repeated on an unchanged stack, each run's verdicts and
// P2P figures side by side, and the rate of runs that went red without a fault.
import type { Summary } from './summary.ts'
import { size, table } from './markdown-format.ts'

export interface SeriesRun {
  index: number
  /** the page cache was dropped right before this run */
  droppedCaches: boolean
  exitCode: number
  durationMs: number
  runId: string
  passed: boolean
  /** every check's status, by id */
  checks: Record<string, string>
  /** the checks that did not pass, with their diagnosis */
  red: { id: string; status: string; diagnosis: string }[]
  /** the P2P pull's large layers: amplification and on-demand figures */
  layers: {
    digest: string
    raw: number
    attributed: number
    excusedBytes: number
    missedReads: number
    fetchedTwiceBytes: number
    parentWaitMs: Record<string, number>
  }[]
}

export function seriesRun(
  summary: Summary,
  meta: { index: number; droppedCaches: boolean; exitCode: number; durationMs: number },
): SeriesRun {
  return {
    ...meta,
    runId: summary.runId,
    passed: summary.passed && meta.exitCode === 0,
    checks: Object.fromEntries(summary.checks.map((c) => [c.id, c.status])),
    red: summary.checks
      .filter((c) => c.status !== 'passed')
      .map((c) => ({ id: c.id, status: c.status, diagnosis: c.diagnosis })),
    layers: (summary.origin.p2pOnDemand ?? []).map((f) => ({
      digest: f.digest,
      raw: f.rawAmplification,
      attributed: f.attributedAmplification,
      excusedBytes: f.excusedBytes,
      missedReads: f.missedReads,
      fetchedTwiceBytes: f.fetchedTwiceBytes,
      parentWaitMs: f.parentWaitMs,
    })),
  }
}

/** A run that never produced a summary (it crashed before the teardown wrote one) is red too. */
export function missingRun(meta: {
  index: number
  droppedCaches: boolean
  exitCode: number
  durationMs: number
}): SeriesRun {
  return {
    ...meta,
    runId: 'none',
    passed: false,
    checks: {},
    red: [{ id: 'summary', status: 'missing', diagnosis: 'the run wrote no summary.json' }],
    layers: [],
  }
}

const x = (n: number) => `${n.toFixed(2)}x`

export function seriesMarkdown(
  runs: SeriesRun[],
  about: { date: string; command: string; reset: string },
): string {
  const red = runs.filter((r) => !r.passed)
  const rows = runs.map((r) => {
    const l = r.layers[0]
    return [
      String(r.index),
      r.droppedCaches ? 'dropped' : '',
      r.passed ? '✅' : '❌',
      `${(r.durationMs / 60_000).toFixed(1)} min`,
      l ? x(l.raw) : '—',
      l ? x(l.attributed) : '—',
      l ? size(l.excusedBytes) : '—',
      l ? String(l.missedReads) : '—',
      l ? size(l.fetchedTwiceBytes) : '—',
      l
        ? Object.entries(l.parentWaitMs)
            .map(([n, ms]) => `${n.replace(/^.*-/, '')} ${ms}`)
            .join(', ')
        : '—',
      r.red.map((c) => c.id).join(', '),
    ]
  })
  return [
    `# Flake series, ${about.date}`,
    '',
    `Command: \`${about.command}\`, ${runs.length} runs in a row; ${about.reset}.`,
    '',
    `**${red.length} of ${runs.length} runs red** (${runs.filter((r) => r.droppedCaches).length} with the page cache dropped first).`,
    '',
    table(
      [
        'run',
        'page cache',
        'verdict',
        'duration',
        'raw',
        'attributed',
        'excused on-demand',
        'missed reads',
        'fetched twice',
        'parent wait (ms)',
        'red checks',
      ],
      rows,
      ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    ),
    '',
    ...red.flatMap((r) => [
      `Run ${r.index} (${r.runId}):`,
      ...r.red.map((c) => `- \`${c.id}\` ${c.status}: ${c.diagnosis}`),
      '',
    ]),
  ].join('\n')
}
