// `npm run series`: the conformance run repeated on an unchanged stack to measure its flake rate.
// Each run creates and removes its own cluster (the runner's usual teardown), so runs share only the
// tool cache and the built images; with --drop-caches the page cache is dropped before chosen runs
// (root only), the condition that exposed the P2P race on a fresh machine.
//   npx tsx helpers/run/series-main.ts --runs 10 --drop-caches 1,4,7 --out docs/flake/2026-12-05
// The environment is passed on (D7Y_PROFILE, D7Y_BENCHMARK, D7Y_FAULTS, ...). Exit 1 when any run was red.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import { execa } from 'execa'
import { parseSummary } from '../report/summary-schema.ts'
import { missingRun, seriesMarkdown, seriesRun, type SeriesRun } from '../report/series.ts'

async function dropPageCache(): Promise<void> {
  await execa('sync')
  writeFileSync('/proc/sys/vm/drop_caches', '3\n')
}

async function main(): Promise<number> {
  const program = new Command('series')
    .description('Repeat the conformance run and record every verdict and P2P figure (flake rate)')
    .option('--runs <n>', 'how many runs', '10')
    .option('--drop-caches <list>', 'runs (1-based, comma-separated) preceded by dropping the page cache', '')
    .option('--out <dir>', 'where series.json and series.md go', 'reports/series')
    .parse()
  const opts = program.opts<{ runs: string; dropCaches: string; out: string }>()
  const runs = Number(opts.runs)
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs: a positive integer, not ${opts.runs}`)
    return 2
  }
  const drop = new Set(opts.dropCaches.split(',').filter(Boolean).map(Number))
  if ([...drop].some((n) => !Number.isInteger(n) || n < 1 || n > runs)) {
    console.error(`--drop-caches: run numbers between 1 and ${runs}, not ${opts.dropCaches}`)
    return 2
  }
  if (drop.size && process.getuid?.() !== 0) {
    console.error('--drop-caches needs root (it writes /proc/sys/vm/drop_caches)')
    return 2
  }
  mkdirSync(opts.out, { recursive: true })
  const command = `${process.env.D7Y_PROFILE ? `D7Y_PROFILE=${process.env.D7Y_PROFILE} ` : ''}npx tsx helpers/run/conformance-main.ts`
  const results: SeriesRun[] = []
  for (let index = 1; index <= runs; index++) {
    const reportsDir = path.join('reports', 'series', `run-${index}`)
    const droppedCaches = drop.has(index)
    if (droppedCaches) await dropPageCache()
    console.log(`\n=== series run ${index}/${runs}${droppedCaches ? ' (page cache dropped)' : ''}`)
    const started = Date.now()
    const run = await execa('tsx', ['helpers/run/conformance-main.ts'], {
      preferLocal: true,
      stdio: 'inherit',
      reject: false,
      env: { D7Y_REPORTS_DIR: reportsDir },
    })
    const meta = { index, droppedCaches, exitCode: run.exitCode ?? 1, durationMs: Date.now() - started }
    let result: SeriesRun
    try {
      result = seriesRun(parseSummary(readFileSync(path.join(reportsDir, 'summary.json'), 'utf8')), meta)
    } catch {
      result = missingRun(meta)
    }
    results.push(result)
    console.log(
      `=== series run ${index}: ${result.passed ? 'PASSED' : `FAILED (${result.red.map((c) => c.id).join(', ')})`}`,
    )
    const about = {
      date: new Date().toISOString().slice(0, 10),
      command,
      reset:
        'each run creates its own cluster and registry and removes them at the end; the tool cache and built images are reused',
    }
    writeFileSync(
      path.join(opts.out, 'series.json'),
      JSON.stringify({ about, runs: results }, null, 2) + '\n',
    )
    writeFileSync(path.join(opts.out, 'series.md'), seriesMarkdown(results, about) + '\n')
  }
  const red = results.filter((r) => !r.passed).length
  console.log(`\nseries: ${red} of ${results.length} runs red; ${path.join(opts.out, 'series.md')}`)
  return red === 0 ? 0 : 1
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`series: FAILED: ${error instanceof Error ? error.message : String(error)}`)
  return 1
})
