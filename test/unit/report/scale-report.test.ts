// The scale report: built from samples, its tables in summary.md, and the two charts drawn like the
// cold-start chart (SVG that parses with one line per mode × pattern, a PNG of a sane size).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DOMParser } from '@xmldom/xmldom'
import { afterAll, describe, expect, test } from 'vitest'
import { buildScaleReport, type ScaleRunInfo } from '../../../helpers/report/scale-report.ts'
import {
  SCALE_CHARTS,
  SCALE_LINE_MARK,
  lastNodeChartData,
  originBytesSpec,
  originChartData,
  renderScaleCharts,
} from '../../../helpers/report/scale-chart.ts'
import { clearScaleReports, writeScaleReport } from '../../../helpers/report/scale-files.ts'
import { perNodeMeans, scaleMarkdown } from '../../../helpers/report/scale-markdown.ts'
import type { ScaleSample } from '../../../helpers/report/scale-types.ts'
import { LAYER, MiB, peaks, sample, series } from '../benchmark/scale-fixtures.ts'

const info: ScaleRunInfo = {
  measuredAt: '2026-12-03T10:00:00.000Z',
  profile: 'local',
  clusterWorkers: 8,
  ns: [1, 2, 4, 8],
  modes: ['dragonfly', 'direct'],
  patterns: ['concurrent', 'sequential'],
  repetitions: 3,
  image: {
    ref: 'd7y-stargz-registry:5000/conformance/python:1-esgz',
    largeLayers: [{ digest: `sha256:${'a'.repeat(64)}`, size: LAYER }],
  },
}

const passed = { status: 'passed', diagnosis: 'ok' } as const
function samples(): ScaleSample[] {
  const all = [
    ...series('dragonfly', 7 * MiB, info.ns, 3, MiB),
    ...series('dragonfly', 6 * MiB, info.ns, 3, MiB, 'sequential'),
    ...series('direct', LAYER, info.ns, 3, MiB),
    ...series('direct', LAYER, info.ns, 3, MiB, 'sequential'),
  ].map((s) => ({
    ...s,
    resources: peaks,
    ...(s.mode === 'dragonfly'
      ? {
          verdicts: {
            'remote-snapshots': passed,
            'via-dfdaemon': passed,
            'task-succeeded':
              s.n === 1 ? ({ status: 'cannot judge', diagnosis: 'cannot judge: 1 worker' } as const) : passed,
            'single-back-to-source':
              s.n === 8 && s.rep === 2
                ? ({ status: 'failed', diagnosis: 'the origin served sha256:aaaa more than once' } as const)
                : passed,
          },
          layers: [
            {
              digest: info.image.largeLayers[0]!.digest,
              size: LAYER,
              originBytes: s.originBytes,
              rawAmplification: s.rawAmplification,
              seedFromSource: LAYER,
              nodes: s.workers.map((node) => ({
                node,
                originToNode: 6 * MiB,
                fromSource: 6 * MiB,
                fromPeers: LAYER - 6 * MiB,
                fromSeed: 20 * MiB,
                sourcePieces: 2,
                peerPieces: 15,
                seedPieces: 5,
              })),
            },
          ],
        }
      : {}),
  }))
  const stability = [1.3, 1.25, 1.27].map((raw, i) =>
    sample({
      kind: 'stability',
      n: 2,
      mode: 'dragonfly',
      rep: i + 1,
      rawAmplification: raw,
      attributedAmplification: 1.01,
      verdicts: { 'single-back-to-source': passed },
    }),
  )
  return [
    ...all,
    ...stability,
    sample({
      n: 4,
      mode: 'direct',
      pattern: 'sequential',
      rep: 4,
      error: 'the image did not run on worker3 (exit 1)',
    }),
  ]
}

const report = buildScaleReport(info, samples())

describe('scale report', () => {
  test('points, fits and the stability series', () => {
    expect(report.points).toHaveLength(16)
    expect(report.fits.map((f) => `${f.mode} ${f.pattern}`)).toEqual([
      'dragonfly concurrent',
      'dragonfly sequential',
      'direct concurrent',
      'direct sequential',
    ])
    expect(report.fits[0]!.slopeBytesPerNode! / MiB).toBeCloseTo(7, 6)
    expect(report.fits[2]!.slopeShareOfLayer).toBeCloseTo(1, 6)
    expect(report.stability).toMatchObject({ runs: 3, measured: 3, singleBackToSourcePassed: 3 })
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  test('summary.md: every table, the fits, failed verdicts, unmeasured samples', () => {
    const md = scaleMarkdown(report)
    expect(md).toMatch(/^# Scale: origin traffic/)
    expect(md).toMatch(
      /\| 8 \| direct \| concurrent \| 3\/3 \| 532\.0 MiB \(531\.0 MiB–533\.0 MiB\) \| 8\.00x/,
    )
    expect(md).toMatch(/\| dragonfly \| concurrent \| 1, 2, 4, 8 \| 12 \| 7\.0 MiB \| 10\.5 % \|/)
    expect(md).toMatch(/\| direct \| sequential \| 1, 2, 4, 8 \| 12 \| 66\.5 MiB \| 100\.0 % \|/)
    expect(md).toMatch(/\| 1 \| concurrent \| ✅ 3 \| ✅ 3 \| cannot judge 3 \| ✅ 3 \|/)
    expect(md).toMatch(/\| 8 \| concurrent \| ✅ 3 \| ✅ 3 \| ✅ 3 \| ✅ 2 ❌ 1 \|/)
    expect(md).toMatch(
      /- N=8 concurrent #2 `single-back-to-source`: the origin served sha256:aaaa more than once/,
    )
    expect(md).toMatch(
      /\| 2 \| dragonfly \| concurrent \| 6\.0 MiB \| 6\.0 MiB \| 60\.5 MiB \| 20\.0 MiB \| 66\.5 MiB \|/,
    )
    expect(md).toMatch(
      /\| 2 \| dragonfly \| concurrent \| 140\.0 MiB, 80 % \| 200\.0 MiB, 95 % \| 60\.0 MiB, 5 % \| 400\.0 MiB, 120 % \|/,
    )
    expect(md).toMatch(/\| raw \| 1\.25x \/ 1\.26x \/ 1\.27x \/ 1\.29x \/ 1\.30x \| 1\.30, 1\.25, 1\.27 \|/)
    expect(md).toMatch(
      /## Samples not measured\n\n- N=4 direct sequential #4: the image did not run on worker3/,
    )
  })

  test('per-node means over the nodes of a sample', () => {
    const s = report.samples.find((x) => x.mode === 'dragonfly' && x.n === 4)!
    expect(perNodeMeans(s)).toEqual({
      fromSource: 6 * MiB,
      fromPeers: LAYER - 6 * MiB,
      fromSeed: 20 * MiB,
      originToNode: 6 * MiB,
    })
  })
})

describe('scale charts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-scale-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('chart data: medians with min–max, in MiB and seconds', () => {
    const d = originChartData(report).find((x) => x.n === 8 && x.series === 'direct (origin) · concurrent')!
    expect(d.value).toBeCloseTo(532, 6)
    expect([d.min, d.max]).toEqual([531, 533])
    expect(lastNodeChartData(report).find((x) => x.n === 1 && x.mode === 'Dragonfly')!.value).toBeCloseTo(
      1.5,
      6,
    )
    expect(JSON.stringify(originBytesSpec(report))).toMatch(/layer size 66\.5 MiB/)
  })

  test('SVG with one line per mode × pattern; PNG of a sane size', async () => {
    const { origin, lastNode } = await renderScaleCharts(report)
    for (const chart of [origin, lastNode]) {
      const doc = new DOMParser().parseFromString(chart.svg, 'image/svg+xml')
      const group = Array.from(doc.getElementsByTagName('g')).filter((g) =>
        (g.getAttribute('class') ?? '').split(' ').includes(`${SCALE_LINE_MARK}_marks`),
      )
      expect(group.length).toBeGreaterThan(0)
      // a line mark with several series draws one path per series
      const lines = group.flatMap((g) => Array.from(g.getElementsByTagName('path')))
      expect(lines).toHaveLength(4)
      expect(chart.png.subarray(1, 4).toString('latin1')).toBe('PNG')
      const width = chart.png.readUInt32BE(16)
      expect(width).toBeGreaterThan(600)
      expect(width).toBeLessThan(2400)
    }
    expect(origin.svg).toMatch(/Origin bytes vs workers pulling/)
  }, 60_000)

  test('writes scale.json, summary.md and both charts; clearing removes them', async () => {
    const { files, chartError } = await writeScaleReport(dir, report)
    expect(chartError).toBeUndefined()
    expect(files.map((f) => path.basename(f))).toEqual([
      'scale.json',
      'summary.md',
      SCALE_CHARTS.origin.svg,
      SCALE_CHARTS.origin.png,
      SCALE_CHARTS.lastNode.svg,
      SCALE_CHARTS.lastNode.png,
    ])
    expect(JSON.parse(readFileSync(path.join(dir, 'scale', 'scale.json'), 'utf8')).samples).toHaveLength(
      report.samples.length,
    )
    clearScaleReports(dir)
    expect(existsSync(path.join(dir, 'scale'))).toBe(false)
  }, 60_000)
})
