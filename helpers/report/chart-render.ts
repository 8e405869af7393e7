// Draws the cold-start chart: Vega-Lite → Vega → SVG in Node (no canvas, no browser), then the SVG
// rasterised to PNG by resvg.
import { Resvg } from '@resvg/resvg-js'
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import type { BenchmarkReport } from './benchmark-types.ts'
import { coldStartSpec } from './chart-spec.ts'

export interface RenderedChart {
  svg: string
  png: Buffer
}

/** Any Vega-Lite spec to SVG, headless (the scale charts use it too). */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const vega = compile(spec).spec
  const view = new View(parse(vega), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

export async function renderColdStartSvg(benchmark: BenchmarkReport): Promise<string> {
  return renderVegaLiteSvg(coldStartSpec(benchmark))
}

/** PNG of an SVG at `scale` × its size (2: sharp on high-density screens). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
  return resvg.render().asPng()
}

export async function renderColdStartChart(benchmark: BenchmarkReport): Promise<RenderedChart> {
  const svg = await renderColdStartSvg(benchmark)
  return { svg, png: svgToPng(svg) }
}
