// reports/cold-start.svg and .png. Rendering is asynchronous (Vega), but the report is written at the
// end of a run, also from a signal handler, where nothing can be awaited: writeColdStartChartSync
// draws in a child process (chart-main.ts) and waits for it.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchmarkReport } from './benchmark-types.ts'
import { renderColdStartChart } from './chart-render.ts'

export const CHART_SVG = 'cold-start.svg'
export const CHART_PNG = 'cold-start.png'

export interface ChartFiles {
  svg: string
  png: string
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = fileURLToPath(new URL('./chart-main.ts', import.meta.url))

export async function writeColdStartChart(dir: string, benchmark: BenchmarkReport): Promise<ChartFiles> {
  const { svg, png } = await renderColdStartChart(benchmark)
  mkdirSync(dir, { recursive: true })
  const files = { svg: path.join(dir, CHART_SVG), png: path.join(dir, CHART_PNG) }
  writeFileSync(files.svg, svg)
  writeFileSync(files.png, png)
  return files
}

/** The same, synchronously: Node + tsx in a child process, the benchmark on its stdin. */
export function writeColdStartChartSync(
  dir: string,
  benchmark: BenchmarkReport,
  timeoutMs = 120_000,
): ChartFiles {
  const out = path.resolve(dir)
  try {
    execFileSync(process.execPath, ['--import', 'tsx', MAIN, out], {
      cwd: ROOT,
      input: JSON.stringify(benchmark),
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: timeoutMs,
    })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    const last = stderr?.split('\n').filter(Boolean).pop()
    throw new Error(`the chart process failed: ${last ?? (error as Error).message}`, { cause: error })
  }
  return { svg: path.join(out, CHART_SVG), png: path.join(out, CHART_PNG) }
}
