// The cold-start chart as a Vega-Lite spec, like the integration guide's: one group of bars per
// image, one bar per mode (median seconds), whiskers from the fastest to the slowest sample, and the
// ratio to OCIv1 printed above each bar.
import type { TopLevelSpec } from 'vega-lite'
import { BENCHMARK_MODES, MODE_SHORT, type BenchmarkReport } from './benchmark-types.ts'

/** Mark names, so tests (and people reading the SVG) can find the bars. */
export const BAR_MARK = 'cold_start_bars'

const COLORS = ['#8c8c8c', '#4c78a8', '#f58518', '#54a24b']
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'

export interface ChartDatum {
  image: string
  mode: string
  order: number
  seconds: number
  min: number
  max: number
  ratio: string
}

export function chartData(benchmark: BenchmarkReport): ChartDatum[] {
  return benchmark.images.flatMap((image) =>
    BENCHMARK_MODES.flatMap((mode, order) => {
      const r = image.results.find((x) => x.mode === mode)
      if (!r) return []
      return [
        {
          image: image.name,
          mode: MODE_SHORT[mode],
          order,
          seconds: r.medianMs / 1000,
          min: r.spread.minMs / 1000,
          max: r.spread.maxMs / 1000,
          ratio: r.ratioToOci === null ? '' : `${r.ratioToOci.toFixed(2)}×`,
        },
      ]
    }),
  )
}

export function coldStartSpec(benchmark: BenchmarkReport): TopLevelSpec {
  const modes = BENCHMARK_MODES.map((m) => MODE_SHORT[m])
  const xOffset = { field: 'mode', type: 'nominal', scale: { domain: modes }, sort: modes } as const
  const images = benchmark.images.map((i) => i.name)
  const x = {
    field: 'image',
    type: 'nominal',
    title: null,
    sort: images,
    axis: { labelAngle: 0, labelFontSize: 12 },
  } as const
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Cold start: pull + run',
      subtitle: `median of ${benchmark.samples} sample(s); whiskers: fastest to slowest; label: time vs OCIv1`,
    },
    // each bar 40 px wide: a group of four is 160 px plus padding
    width: { step: 40, for: 'offset' },
    height: 320,
    data: { values: chartData(benchmark) },
    encoding: { x, xOffset },
    layer: [
      {
        name: BAR_MARK,
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'seconds', type: 'quantitative', title: 'Seconds (median)' },
          color: {
            field: 'mode',
            type: 'nominal',
            title: 'Mode',
            scale: { domain: modes, range: COLORS },
            legend: { orient: 'bottom', columns: 2, labelLimit: 260 },
          },
          tooltip: [
            { field: 'image' },
            { field: 'mode' },
            { field: 'seconds', format: '.2f' },
            { field: 'ratio', title: 'vs OCIv1' },
          ],
        },
      },
      {
        mark: { type: 'rule', color: '#333' },
        encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 10, baseline: 'bottom' },
        encoding: { y: { field: 'max', type: 'quantitative' }, text: { field: 'ratio' } },
      },
    ],
    config: {
      font: FONT,
      background: 'white',
      padding: 12,
      view: { stroke: null },
    },
  }
}
