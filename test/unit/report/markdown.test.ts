// summary.md from summaries built the way the run builds them: all passed, one failed, stopped early.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { checksFor } from '../../../helpers/checks/catalog.ts'
import { summaryMarkdown } from '../../../helpers/report/markdown.ts'
import { buildSummary } from '../../../helpers/report/summary.ts'
import { benchmark, FINISHED, passedChecks, runState, testConfig } from './fixtures.ts'

const config = testConfig('local')
const lines = (md: string, pattern: RegExp) => md.split('\n').filter((l) => pattern.test(l))

describe('summary.md', () => {
  test('all passed: verdict, every check with its diagnosis, versions, both origin tables', () => {
    const md = summaryMarkdown(buildSummary(config, runState(), FINISHED))
    const checks = checksFor('local')
    expect(md).toMatch(/^# Dragonfly \+ stargz conformance: ✅ PASSED$/m)
    expect(md).toContain(`**${checks.length} passed, 0 failed, 0 not run** of ${checks.length} checks.`)
    expect(md).toContain('(25 min 26 s)')
    for (const c of checks) expect(lines(md, new RegExp(`\\(\`${c.id}\`\\)`))[0]).toMatch(/^\| ✅ pass \| /)
    expect(md).toContain('left the origin 1.01× (67.2 MiB for a 66.5 MiB layer, 2 nodes) |')
    // versions under test, only the profile's: the pin, what ran (here only what the suite checked when
    // it obtained the tool: this state has no record from the nodes), where each tool came from
    expect(md).toMatch(/^\| stargz \| v0\.18\.2 \| v0\.18\.2 \(checked when obtained\) \| cache \|$/m)
    expect(md).toMatch(
      /^\| dfdaemon \| v1\.5\.0 \| v1\.5\.0 \(checked when obtained\) \| built \(cargo\) \|$/m,
    )
    expect(md).toMatch(/^\| containerd \| v2\.2\.1 \| _not confirmed where it runs_ \|/m)
    expect(md).not.toMatch(/^\| (kind|helm|dragonfly chart) \|/m)
    // origin amplification: P2P about once, the control once per node
    expect(md).toMatch(
      /### P2P pull[\s\S]*\| `sha256:191cf48bb5cb` \| layer \| 66\.5 MiB \| 3 \| 67\.2 MiB \| 1\.01× \|/,
    )
    expect(md).toMatch(
      /### Negative control[\s\S]*\| `sha256:191cf48bb5cb` \| layer \| 66\.5 MiB \| 2 \| 134\.5 MiB \| 2\.02× \|/,
    )
    expect(md).toMatch(/\| `sha256:7e0f1a3b5c2d` \| config \| 880 B \| 2 \| 1\.7 KiB \| 2\.00× \|/)
    expect(md).not.toContain('Notes')
    expect(md).not.toContain('Cold start')
  })

  test('one failed: the verdict says so and the row carries the diagnosis, pipes escaped', () => {
    const checks = passedChecks().map((c) =>
      c.id === 'single-back-to-source'
        ? {
            ...c,
            status: 'failed' as const,
            diagnosis:
              'mirror bypassed: the origin served 2.02× the layer | dfdaemon saw no task for sha256:191cf48bb5cb',
          }
        : c,
    )
    const summary = buildSummary(config, runState({ checks }), FINISHED)
    const md = summaryMarkdown(summary)
    expect(summary.passed).toBe(false)
    expect(md).toMatch(/^# Dragonfly \+ stargz conformance: ❌ FAILED$/m)
    expect(md).toContain(`**${checks.length - 1} passed, 1 failed, 0 not run**`)
    const [row] = lines(md, /`single-back-to-source`/)
    expect(row).toBe(
      '| ❌ fail | The origin served each large layer once across the cluster (P2P) (`single-back-to-source`) | ' +
        'mirror bypassed: the origin served 2.02× the layer \\| dfdaemon saw no task for sha256:191cf48bb5cb |',
    )
    // a row still has exactly three cells
    expect(row!.split(/(?<!\\)\|/).length - 2).toBe(3)
  })

  test('stopped early: the checks that never ran are listed as not run, with the loud notes first', () => {
    const ran = passedChecks().slice(0, 3)
    const notes = [
      'stargz snapshotter v0.18.2 was built from source: no release download',
      'interrupted (signal)',
    ]
    const summary = buildSummary(config, runState({ checks: ran, origin: {}, notes }), FINISHED)
    const md = summaryMarkdown(summary)
    const total = checksFor('local').length
    expect(md).toContain(`**3 passed, 0 failed, ${total - 3} not run**`)
    const notRun = lines(md, /^\| ⏸️ not run \| /)
    expect(notRun).toHaveLength(total - 3)
    for (const c of summary.checks.filter((x) => x.status === 'not run'))
      expect(notRun.find((l) => l.includes(`(\`${c.id}\`)`))?.endsWith(`| ${c.diagnosis} |`)).toBe(true)
    expect(md.indexOf('## ⚠️ Notes')).toBeGreaterThan(0)
    expect(md.indexOf('## ⚠️ Notes')).toBeLessThan(md.indexOf('## Checks'))
    for (const n of notes) expect(md).toContain(`> **${n}**`)
    expect(lines(md, /_Not measured: the run stopped before this pull\._/)).toHaveLength(2)
  })

  test('cold start: one row per image and mode, ratios to OCIv1, and the chart embedded by relative link', () => {
    const summary = buildSummary(config, runState({ benchmark }), FINISHED)
    const md = summaryMarkdown(summary, { chartImage: 'cold-start.png', chartSvg: 'cold-start.svg' })
    expect(md).toContain('## Cold start (pull + run)')
    expect(md).toContain('![Cold start: pull + run time per image and mode](cold-start.png)')
    expect(md).toContain('[SVG](cold-start.svg)')
    expect(md).toContain('3 sample(s) per image and mode, on d7y-stargz-worker')
    expect(md).toContain('- **python3**: `python3 -V`, large layer 66.5 MiB')
    const rows = lines(md, /^\| (python3|nodejs|gcc) \|/)
    expect(rows).toHaveLength(12)
    expect(rows[0]).toBe(
      '| python3 | OCIv1 cold boot (overlayfs, full pull from the origin) | 9.81 s | 9.65 s – 10.24 s (IQR 9.73 s – 10.03 s) | 66.5 MiB | 1.00× |',
    )
    expect(rows[1]).toMatch(
      /^\| python3 \| eStargz cold boot \(lazy pull from the origin\) \| 3\.12 s \| .* \| 0\.32× \|/,
    )
    expect(rows[11]).toMatch(
      /^\| gcc \| eStargz & Dragonfly warm .* \| 3\.05 s \| .* \| 4\.0 KiB \| 0\.10× \|$/,
    )
  })

  test("cold start: where the Dragonfly modes' pieces came from, when the run read them", () => {
    const withPieces = {
      ...benchmark,
      images: benchmark.images.map((i, n) =>
        n > 0
          ? i
          : {
              ...i,
              results: i.results.map((r) =>
                r.mode === 'stargz-dragonfly-warm'
                  ? {
                      ...r,
                      pieces: {
                        'source-small-range': { count: 3, medianMs: 30, maxMs: 36 },
                        parent: { count: 17, medianMs: 45.4, maxMs: 105 },
                      },
                    }
                  : r,
              ),
            },
      ),
    }
    const md = summaryMarkdown(buildSummary(config, runState({ benchmark: withPieces }), FINISHED))
    expect(lines(md, /^\| python3 \| eStargz \+ Dragonfly/)).toEqual([
      '| python3 | eStargz + Dragonfly (warm) | from the source, small range (no scheduler) | 3 | 30 ms | 36 ms |',
      '| python3 | eStargz + Dragonfly (warm) | from parents (P2P) | 17 | 45 ms | 105 ms |',
    ])
    expect(summaryMarkdown(buildSummary(config, runState({ benchmark }), FINISHED))).not.toContain(
      "Where the large layer's pieces came from",
    )
  })

  test('cold start without a chart says why', () => {
    const summary = buildSummary(config, runState({ benchmark }), FINISHED)
    const md = summaryMarkdown(summary, { chartNote: 'No chart: the chart process failed: boom' })
    expect(md).toContain('_No chart: the chart process failed: boom_')
    expect(md).not.toContain('![')
  })

  test('a malformed benchmark is left out with a loud note instead of breaking the report', () => {
    const summary = buildSummary(config, runState({ benchmark: { images: 'python3' } }), FINISHED)
    expect(summary.benchmark).toBeUndefined()
    expect(summary.notes).toEqual([
      expect.stringMatching(/^benchmark data left out of the report: samples: /),
    ])
    expect(summaryMarkdown(summary)).toContain('> **benchmark data left out of the report: samples:')
  })

  test('what ran, from a real kind run: each component as it said where it ran, beside its pin', () => {
    const tools = JSON.parse(
      readFileSync(
        path.join(import.meta.dirname, '../../../fixtures/run/tools-kind-2026-12-05.json'),
        'utf8',
      ),
    )
    const md = summaryMarkdown(buildSummary(testConfig('kind'), runState({ tools }), FINISHED))
    // Debian's docker-registry stands in for the registry image: the pin says 2.8.3, 2.8.2 ran
    expect(md).toMatch(/^\| registry \| registry:2\.8\.3 \| 2\.8\.2\+ds1 \| as found where it runs \|$/m)
    expect(md).toMatch(/^\| stargz \| v0\.18\.2 \| v0\.18\.2 \|/m)
    expect(md).toMatch(/^\| dragonfly chart \| 1\.7\.4 \|/m)
  })
})
