// The cold-start chart drawn from a realistic benchmark: the SVG parses and has one bar per
// (image, mode); the PNG is a PNG of a sane size. Also the synchronous (child process) path.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DOMParser, type Element } from '@xmldom/xmldom'
import { afterAll, describe, expect, test } from 'vitest'
import { BENCHMARK_MODES, MODE_SHORT, type BenchmarkReport } from '../../../helpers/report/benchmark-types.ts'
import { writeColdStartChartSync } from '../../../helpers/report/chart-files.ts'
import { renderColdStartChart } from '../../../helpers/report/chart-render.ts'
import { BAR_MARK } from '../../../helpers/report/chart-spec.ts'
import { benchmark } from './fixtures.ts'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function parseSvg(svg: string) {
  const errors: string[] = []
  const doc = new DOMParser({
    onError: (level, message) => void errors.push(`${level}: ${message}`),
  }).parseFromString(svg, 'image/svg+xml')
  return { doc, errors }
}

/** The bars: the paths inside the bar mark's group (Vega names the group "<mark name>_marks"). */
function bars(svg: string): string[] {
  const { doc } = parseSvg(svg)
  const groups = Array.from(doc.getElementsByTagName('g')).filter((g) =>
    (g.getAttribute('class') ?? '').split(' ').includes(`${BAR_MARK}_marks`),
  )
  expect(groups).toHaveLength(1)
  return Array.from(groups[0]!.getElementsByTagName('path')).map(
    (p: Element) => p.getAttribute('aria-label') ?? '',
  )
}

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian at offsets 16 and 20.
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('cold-start chart', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  test('SVG: well-formed, one bar per image and mode, labelled with both', async () => {
    const { svg } = await renderColdStartChart(benchmark)
    const { doc, errors } = parseSvg(svg)
    expect(errors).toEqual([])
    expect(doc.documentElement?.nodeName).toBe('svg')
    const labels = bars(svg)
    expect(labels).toHaveLength(benchmark.images.length * BENCHMARK_MODES.length)
    for (const image of benchmark.images)
      for (const mode of BENCHMARK_MODES)
        expect(
          labels.filter(
            (l) => l.includes(`image: ${image.name};`) && l.includes(`Mode: ${MODE_SHORT[mode]};`),
          ),
        ).toHaveLength(1)
    // title, axis and legend texts are there for people
    expect(svg).toContain('Cold start: pull + run')
    expect(svg).toContain('Seconds (median)')
    for (const mode of BENCHMARK_MODES) expect(svg).toContain(MODE_SHORT[mode])
  }, 30_000)

  test('a mode that was not measured has no bar', async () => {
    const partial: BenchmarkReport = {
      ...benchmark,
      images: benchmark.images.map((i, n) =>
        n === 0 ? { ...i, results: i.results.filter((r) => r.mode !== 'stargz-dragonfly-warm') } : i,
      ),
    }
    const { svg } = await renderColdStartChart(partial)
    expect(bars(svg)).toHaveLength(benchmark.images.length * BENCHMARK_MODES.length - 1)
  }, 30_000)

  test('PNG: the signature, a sane size, not blank', async () => {
    const { png } = await renderColdStartChart(benchmark)
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
    const { width, height } = pngSize(png)
    expect(width).toBeGreaterThan(800)
    expect(width).toBeLessThan(4000)
    expect(height).toBeGreaterThan(400)
    expect(height).toBeLessThan(3000)
    // bars, text and legend compress far worse than an empty white canvas
    expect(png.length).toBeGreaterThan(20_000)
  }, 30_000)

  test('the synchronous writer draws both files in a child process', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-chart-'))
    dirs.push(dir)
    const files = writeColdStartChartSync(dir, benchmark)
    expect(files).toEqual({ svg: path.join(dir, 'cold-start.svg'), png: path.join(dir, 'cold-start.png') })
    expect(bars(readFileSync(files.svg, 'utf8'))).toHaveLength(12)
    expect(readFileSync(files.png).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  }, 60_000)

  test('the synchronous writer fails with one line when the data is not a benchmark', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-chart-'))
    dirs.push(dir)
    const broken = { ...benchmark, images: [{ name: 'x' }] } as unknown as BenchmarkReport
    expect(() => writeColdStartChartSync(dir, broken)).toThrow(
      /^the chart process failed: not a benchmark report: images\.0\.versionCommand: /,
    )
  }, 60_000)
})
