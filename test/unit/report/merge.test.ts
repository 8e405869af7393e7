// The compatibility table of a CI matrix, from summaries built with buildSummary for several
// version combinations; and `d7y-conformance merge` on those files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, describe, expect, test } from 'vitest'
import {
  compatibilityMarkdown,
  mergeSummaries,
  type CompatibilityTable,
} from '../../../helpers/report/merge.ts'
import { buildSummary, type Summary } from '../../../helpers/report/summary.ts'
import type { CheckResult } from '../../../helpers/run/state.ts'
import { FINISHED, passedChecks, runState, testConfig } from './fixtures.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = path.join(ROOT, 'bin/d7y-conformance.js')

function failing(checks: CheckResult[], id: string, diagnosis: string): CheckResult[] {
  return checks.map((c) => (c.id === id ? { ...c, status: 'failed', diagnosis } : c))
}

function run(
  profile: 'kind' | 'local',
  env: NodeJS.ProcessEnv,
  runId: string,
  checks: CheckResult[] = passedChecks(profile),
): Summary {
  return buildSummary(testConfig(profile, env), runState({ runId, profile, checks }), FINISHED)
}

// A matrix: two charts × two snapshotters on kind, one local run, and a rerun that failed once.
const matrix = {
  'kind-1.7.4-v0.18.2.json': run('kind', {}, 'r1'),
  'kind-1.7.4-v0.17.0.json': run(
    'kind',
    { D7Y_STARGZ_VERSION: 'v0.17.0' },
    'r2',
    failing(passedChecks('kind'), 'remote-snapshots', 'd7y-stargz-worker: 1 layer fell back to a full pull'),
  ),
  'kind-1.6.0-v0.18.2.json': run('kind', { D7Y_CHART_VERSION: '1.6.0' }, 'r3'),
  'kind-1.6.0-v0.18.2-rerun.json': run(
    'kind',
    { D7Y_CHART_VERSION: '1.6.0' },
    'r4',
    failing(passedChecks('kind'), 'single-back-to-source', 'the origin served 2.02× the layer'),
  ),
  'local.json': run('local', {}, 'r5', passedChecks('local').slice(0, 4)),
}
const inputs = Object.entries(matrix).map(([source, summary]) => ({ source, summary }))

const row = (t: CompatibilityTable, chart: string | null, snapshotter: string, profile = 'kind') =>
  t.rows.find((r) => r.profile === profile && r.chart === chart && r.snapshotter === snapshotter)

describe('merge', () => {
  const merged = mergeSummaries(inputs)

  test('one row per combination, runs of the same versions folded, sorted by version', () => {
    expect(merged.rows.map((r) => [r.profile, r.chart, r.snapshotter, r.runs.length])).toEqual([
      ['kind', '1.6.0', 'v0.18.2', 2],
      ['kind', '1.7.4', 'v0.17.0', 1],
      ['kind', '1.7.4', 'v0.18.2', 1],
      ['local', null, 'v0.18.2', 1],
    ])
    expect(merged.rows[0]?.dragonfly).toEqual({ scheduler: 'v2.5.1', client: 'v1.5.0' })
    expect(merged.checks.map((c) => c.id)).toContain('peer-endpoints')
  })

  test('cells: passed, failed, flaky across reruns, not run, and n/a where the profile lacks the check', () => {
    const ok = row(merged, '1.7.4', 'v0.18.2')!
    expect(ok.passed).toBe(true)
    expect(Object.values(ok.results).every((s) => s === 'passed')).toBe(true)

    const old = row(merged, '1.7.4', 'v0.17.0')!
    expect(old.passed).toBe(false)
    expect(old.results['remote-snapshots']).toBe('failed')
    expect(old.failures).toEqual([
      {
        check: 'remote-snapshots',
        runId: 'r2',
        diagnosis: 'd7y-stargz-worker: 1 layer fell back to a full pull',
      },
    ])

    const rerun = row(merged, '1.6.0', 'v0.18.2')!
    expect(rerun.results['single-back-to-source']).toBe('flaky')
    expect(rerun.results['nodes-ready']).toBe('passed')

    const local = row(merged, null, 'v0.18.2', 'local')!
    expect(local.results['peer-endpoints']).toBe('n/a')
    expect(local.results['negative-control']).toBe('not run')
  })

  test('Markdown: a header with every check, one line per row, a legend and the failures', () => {
    const md = compatibilityMarkdown(merged)
    const lines = md.split('\n')
    const header = lines.find((l) => l.startsWith('| Profile |'))!
    expect(header).toContain('| Chart | Dragonfly (scheduler / client) | Snapshotter | Runs | Result |')
    for (const c of merged.checks) expect(header).toContain(`\`${c.id}\``)
    const cells = (l: string) => l.split(' | ').length
    const body = lines.filter((l) => /^\| (kind|local) \|/.test(l))
    expect(body).toHaveLength(4)
    for (const l of body) expect(cells(l)).toBe(cells(header))
    expect(body[0]).toMatch(
      /^\| kind \| 1\.6\.0 \| v2\.5\.1 \/ v1\.5\.0 \| v0\.18\.2 \| 2 \| ❌ fail \(1\/2 runs passed\) \|/,
    )
    expect(body[0]).toContain('⚠️')
    expect(body[2]).toMatch(
      /^\| kind \| 1\.7\.4 \| v2\.5\.1 \/ v1\.5\.0 \| v0\.18\.2 \| 1 \| ✅ pass \|( ✅ \|)+$/,
    )
    expect(body[3]).toMatch(/^\| local \| – \|/)
    expect(md).toContain('- `remote-snapshots`: Every layer was prepared as a remote snapshot')
    expect(md).toContain(
      '- kind, chart 1.7.4, Dragonfly v2.5.1 / v1.5.0, snapshotter v0.17.0: `remote-snapshots` (run r2): d7y-stargz-worker: 1 layer fell back to a full pull',
    )
  })

  describe('d7y-conformance merge', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-merge-'))
    const files = Object.entries(matrix).map(([name, summary]) => {
      const file = path.join(dir, name)
      writeFileSync(file, JSON.stringify(summary, null, 2))
      return file
    })
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const cli = (args: string[]) => execa('node', [BIN, 'merge', ...args], { cwd: ROOT, reject: false })

    test('prints the Markdown table', async () => {
      const r = await cli(files)
      expect(r.stderr).toBe('')
      expect(r.exitCode).toBe(0)
      expect(r.stdout.trim()).toBe(compatibilityMarkdown(merged).trim())
    }, 30_000)

    test('--json prints the same table as JSON, with the files as run sources', async () => {
      const r = await cli([...files, '--json'])
      expect(r.exitCode).toBe(0)
      const out = JSON.parse(r.stdout) as CompatibilityTable
      expect(out.checks).toEqual(merged.checks)
      expect(out.rows.map((x) => x.results)).toEqual(merged.rows.map((x) => x.results))
      expect(out.rows[0]?.runs.map((x) => x.source)).toEqual([files[2], files[3]])
    }, 30_000)

    test('a CI artifact folder is read like the summary.json inside it', async () => {
      const artifact = path.join(dir, 'conformance-chart-1.7.4-stargz-v0.18.2')
      mkdirSync(artifact)
      writeFileSync(path.join(artifact, 'summary.json'), JSON.stringify(matrix['kind-1.7.4-v0.18.2.json']))
      const r = await cli([artifact, '--json'])
      expect(r.stderr).toBe('')
      expect(r.exitCode).toBe(0)
      const out = JSON.parse(r.stdout) as CompatibilityTable
      expect(out.rows.map((x) => x.runs.map((run) => run.source))).toEqual([
        [path.join(artifact, 'summary.json')],
      ])
    }, 30_000)

    test('a file that is not a summary: exit 2 and one line naming it', async () => {
      const bad = path.join(dir, 'junit.json')
      writeFileSync(bad, JSON.stringify({ testsuites: [] }))
      const r = await cli([files[0]!, bad])
      expect(r.exitCode).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(
        `d7y-conformance: summary ${bad}: not a conformance summary: profile: Invalid input: expected string, received undefined`,
      )
      const missing = await cli([path.join(dir, 'absent.json')])
      expect(missing.exitCode).toBe(2)
      expect(missing.stderr).toMatch(/^d7y-conformance: summary .*absent\.json: no such file$/)
    }, 30_000)
  })
})
