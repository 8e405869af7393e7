// The scale charts, drawn like the cold-start chart (Vega-Lite → SVG in Node → PNG by resvg):
// origin bytes vs N (one line per mode × pattern, the layer's size as a reference: flat is P2P
// sharing the layer, a slope of one layer per node is every node fetching it), and time until the
// last node's output vs N. Points are medians over the repetitions, whiskers min to max.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TopLevelSpec } from 'vega-lite'
import { renderVegaLiteSvg, svgToPng, type RenderedChart } from './chart-render.ts'
import { SCALE_MODES, SCALE_PATTERNS, type ScaleReport, type Spread } from './scale-types.ts'

/** Mark names, so tests (and people reading the SVG) can find the lines. */
export const SCALE_LINE_MARK = 'scale_lines'

export const SCALE_CHARTS = {
  origin: { svg: 'scale-origin-bytes.svg', png: 'scale-origin-bytes.png' },
  lastNode: { svg: 'scale-last-node.svg', png: 'scale-last-node.png' },
} as const

const MODE_COLORS = ['#f58518', '#4c78a8']
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'
/** One entry of a layered spec's `layer` (vega-lite exports only the top-level type). */
type LayerItem = Extract<TopLevelSpec, { layer: unknown }>['layer'][number]

const MODE_SHORT = { dragonfly: 'Dragonfly', direct: 'direct (origin)' } as const

export interface ScaleChartDatum {
  n: number
  mode: string
  pattern: string
  series: string
  value: number
  min: number
  max: number
}

function data(r: ScaleReport, pick: (p: ScaleReport['points'][number]) => Spread | undefined, unit: number) {
  return r.points.flatMap((p): ScaleChartDatum[] => {
    const s = pick(p)
    if (!s) return []
    return [
      {
        n: p.n,
        mode: MODE_SHORT[p.mode],
        pattern: p.pattern,
        series: `${MODE_SHORT[p.mode]} · ${p.pattern}`,
        value: s.median / unit,
        min: s.min / unit,
        max: s.max / unit,
      },
    ]
  })
}

export function originChartData(r: ScaleReport): ScaleChartDatum[] {
  return data(r, (p) => p.originBytes, 2 ** 20)
}

export function lastNodeChartData(r: ScaleReport): ScaleChartDatum[] {
  return data(r, (p) => p.lastNodeMs, 1000)
}

function lineSpec(
  r: ScaleReport,
  values: ScaleChartDatum[],
  title: { text: string; subtitle: string },
  yTitle: string,
  extra: LayerItem[] = [],
): TopLevelSpec {
  const modes = SCALE_MODES.map((m) => MODE_SHORT[m])
  const x = {
    field: 'n',
    type: 'quantitative' as const,
    title: 'Workers pulling (N)',
    scale: { domain: [0, Math.max(1, ...r.ns)] },
    axis: { values: r.ns, format: 'd' },
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 480,
    height: 300,
    layer: [
      {
        name: SCALE_LINE_MARK,
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: true } },
          color: {
            field: 'mode',
            type: 'nominal',
            title: 'Mode',
            scale: { domain: modes, range: MODE_COLORS },
            legend: { orient: 'bottom' },
          },
          strokeDash: {
            field: 'pattern',
            type: 'nominal',
            title: 'Pattern',
            scale: { domain: [...SCALE_PATTERNS] },
            legend: {
              orient: 'bottom',
              symbolType: 'stroke',
              symbolStrokeColor: '#333',
              symbolStrokeWidth: 2,
            },
          },
          detail: { field: 'series' },
          tooltip: [
            { field: 'series' },
            { field: 'n', title: 'N' },
            { field: 'value', format: '.2f', title: 'median' },
            { field: 'min', format: '.2f' },
            { field: 'max', format: '.2f' },
          ],
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 50, opacity: 1 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          color: { field: 'mode', type: 'nominal', scale: { domain: modes, range: MODE_COLORS } },
        },
      },
      {
        data: { values },
        mark: { type: 'rule' },
        encoding: {
          x,
          y: { field: 'min', type: 'quantitative' },
          y2: { field: 'max' },
          color: { field: 'mode', type: 'nominal', scale: { domain: modes, range: MODE_COLORS } },
        },
      },
      ...extra,
    ],
    config: { font: FONT, background: 'white', padding: 12, view: { stroke: null } },
  }
}

export function originBytesSpec(r: ScaleReport): TopLevelSpec {
  const layerMiB = r.image.largeLayers.reduce((s, l) => s + l.size, 0) / 2 ** 20
  const reference: LayerItem[] = layerMiB
    ? [
        {
          data: { values: [{ y: layerMiB, label: `layer size ${layerMiB.toFixed(1)} MiB` }] },
          layer: [
            {
              mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
              encoding: { y: { field: 'y', type: 'quantitative' } },
            },
            {
              mark: {
                type: 'text',
                align: 'right',
                dy: 8,
                fontSize: 10,
                color: '#555',
                x: { expr: 'width' },
              },
              encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
            },
          ],
        },
      ]
    : []
  return lineSpec(
    r,
    originChartData(r),
    {
      text: 'Origin bytes vs workers pulling',
      subtitle: `large layer(s) of the test image; median of ${r.repetitions} repetition(s), whiskers min–max`,
    },
    'Origin bytes (MiB)',
    reference,
  )
}

export function lastNodeSpec(r: ScaleReport): TopLevelSpec {
  return lineSpec(
    r,
    lastNodeChartData(r),
    {
      text: "Time until the last node's output vs workers pulling",
      subtitle: `from one shared start; median of ${r.repetitions} repetition(s), whiskers min–max`,
    },
    'Seconds',
  )
}

export async function renderScaleCharts(
  r: ScaleReport,
): Promise<{ origin: RenderedChart; lastNode: RenderedChart }> {
  const origin = await renderVegaLiteSvg(originBytesSpec(r))
  const lastNode = await renderVegaLiteSvg(lastNodeSpec(r))
  return {
    origin: { svg: origin, png: svgToPng(origin) },
    lastNode: { svg: lastNode, png: svgToPng(lastNode) },
  }
}

/** Writes both charts (SVG and PNG) into `dir`; returns the paths. */
export async function writeScaleCharts(dir: string, r: ScaleReport): Promise<string[]> {
  const charts = await renderScaleCharts(r)
  mkdirSync(dir, { recursive: true })
  const files: string[] = []
  for (const key of ['origin', 'lastNode'] as const) {
    const names = SCALE_CHARTS[key]
    writeFileSync(path.join(dir, names.svg), charts[key].svg)
    writeFileSync(path.join(dir, names.png), charts[key].png)
    files.push(path.join(dir, names.svg), path.join(dir, names.png))
  }
  return files
}
