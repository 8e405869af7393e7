// Child-process entry of writeColdStartChartSync: `node --import tsx chart-main.ts <dir>` with the
// benchmark JSON on stdin writes <dir>/cold-start.svg and .png.
import { text } from 'node:stream/consumers'
import { benchmarkReportSchema } from './benchmark-types.ts'
import { writeColdStartChart } from './chart-files.ts'

const dir = process.argv[2]
if (!dir) throw new Error('usage: chart-main.ts <output directory> < benchmark.json')
const benchmark = benchmarkReportSchema.parse(JSON.parse(await text(process.stdin)))
await writeColdStartChart(dir, benchmark)
