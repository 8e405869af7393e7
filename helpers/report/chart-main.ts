// Child-process entry of writeColdStartChartSync: `node --import tsx chart-main.ts <dir>` with the
// benchmark JSON on stdin writes <dir>/cold-start.svg and .png. Any failure is one line on stderr.
import { text } from 'node:stream/consumers'
import { benchmarkReportSchema } from './benchmark-types.ts'
import { writeColdStartChart } from './chart-files.ts'

try {
  const dir = process.argv[2]
  if (!dir) throw new Error('usage: chart-main.ts <output directory> < benchmark.json')
  const parsed = benchmarkReportSchema.safeParse(JSON.parse(await text(process.stdin)))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`not a benchmark report: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  await writeColdStartChart(dir, parsed.data)
} catch (error) {
  process.stderr.write(`${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`)
  process.exitCode = 1
}
