// Draws the cold-start chart: Vega-Lite → Vega → SVG in Node (no canvas, no browser), then the SVG
// rasterised to PNG by resvg.
import { Resvg } from '@resvg/resvg-js'
import { parse, View } from 'vega'
import { compile } from 'vega-lite'
import type { BenchmarkReport } from './benchmark-types.ts'
import { coldStartSpec } from './chart-spec.ts'

export interface RenderedChart {
  svg: string
  png: Buffer
}

export async function renderColdStartSvg(benchmark: BenchmarkReport): Promise<string> {
  const vega = compile(coldStartSpec(benchmark)).spec
  const view = new View(parse(vega), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
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
