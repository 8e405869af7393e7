// Two runs side by side (`d7y-conformance compare`), on real summaries: the local and kind runs of the
// clean-clone gate of 2026-12-05 (fixtures/run/README.md). Every "after" run is a parsed copy of one of
// them with the change the test is about made in code.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { afterAll, describe, expect, test } from 'vitest'
import {
  compareSummaries,
  DEFAULT_TOLERANCES,
  parseTolerances,
  type Comparison,
  type FigureComparison,
} from '../../../helpers/report/compare.ts'
import { compareMarkdown } from '../../../helpers/report/compare-markdown.ts'
import { parseSummary } from '../../../helpers/report/summary-schema.ts'
import type { Summary } from '../../../helpers/report/summary.ts'
import type { CheckStatus } from '../../../helpers/run/state.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = path.join(ROOT, 'bin/d7y-conformance.js')
const LOCAL_FILE = path.join(ROOT, 'fixtures/run/summary-local-gate-2026-12-05.json')
const KIND_FILE = path.join(ROOT, 'fixtures/run/summary-kind-gate-2026-12-05.json')
const LOCAL = parseSummary(readFileSync(LOCAL_FILE, 'utf8'))
const KIND = parseSummary(readFileSync(KIND_FILE, 'utf8'))

/** A parsed copy of a real run, to change. */
const copy = (s: Summary): Summary => structuredClone(s)

function withCheck(s: Summary, id: string, status: CheckStatus, diagnosis: string): Summary {
  const changed = copy(s)
  changed.checks = changed.checks.map((c) => (c.id === id ? { ...c, status, diagnosis } : c))
  changed.passed = changed.checks.every((c) => c.status === 'passed')
  return changed
}

function compare(before: Summary, after: Summary, tolerances = DEFAULT_TOLERANCES): Comparison {
  return compareSummaries(
    { source: 'before', summary: before },
    { source: 'after', summary: after },
    tolerances,
  )
}

const figure = (c: Comparison, id: string): FigureComparison => {
  const f = c.figures.find((x) => x.id === id)
  if (!f) throw new Error(`no figure ${id} among ${c.figures.map((x) => x.id).join(', ')}`)
  return f
}
const check = (c: Comparison, id: string) => c.checks.find((x) => x.id === id)!

const FOOTPRINT_FILE = path.join(ROOT, 'fixtures/run/summary-local-footprint-2026-12-05.json')
const FOOTPRINT = parseSummary(readFileSync(FOOTPRINT_FILE, 'utf8'))
const DFDAEMON_MEMORY = 'footprint.dfdaemon.peakMemory'

/** The after run with the busiest worker's dfdaemon peaking `extra` bytes higher. */
function withDfdaemonMemory(s: Summary, extra: number): Summary {
  const changed = copy(s)
  const dfdaemons = changed.footprint!.filter((r) => r.component === 'dfdaemon')
  const busiest = dfdaemons.reduce((a, b) => (b.highWaterMemBytes > a.highWaterMemBytes ? b : a))
  busiest.highWaterMemBytes += extra
  return changed
}

const RAW = 'origin.p2p.layer1.raw'
const ATTRIBUTED = 'origin.p2p.layer1.attributed'
const PYTHON_COLD_RATIO = 'coldStart.python3.stargz-dragonfly-cold.ratio'

/** The after run with the P2P pull's large layer at another raw / attributed amplification. */
function withAmplification(s: Summary, change: { raw?: number; attributed?: number }): Summary {
  const changed = copy(s)
  const layer = changed.origin.p2pOnDemand![0]!
  if (change.raw !== undefined) layer.rawAmplification = change.raw
  if (change.attributed !== undefined) layer.attributedAmplification = change.attributed
  return changed
}

function withColdRatio(s: Summary, image: string, ratio: number): Summary {
  const changed = copy(s)
  const result = changed.benchmark!.images.find((i) => i.name === image)!.results
  result.find((r) => r.mode === 'stargz-dragonfly-cold')!.ratioToOci = ratio
  return changed
}

describe('compare: checks', () => {
  test('the same run on both sides: every check held, every figure unchanged, no regression', () => {
    const c = compare(LOCAL, LOCAL)
    expect(c.checks.map((x) => x.id)).toEqual(LOCAL.checks.map((x) => x.id))
    expect(c.checks.every((x) => x.change === 'held')).toBe(true)
    expect(c.figures.length).toBeGreaterThan(0)
    for (const f of c.figures) {
      expect(f.change).toBe(0)
      expect(f.result).toBe(f.tolerance ? 'within tolerance' : 'shown')
    }
    expect(c.verdict).toEqual({
      passed: true,
      redChecks: [],
      regressedChecks: [],
      stillRed: [],
      regressedFigures: [],
    })
  })

  test('passed before, failed after: regressed, with both diagnoses, and the verdict is negative', () => {
    const after = withCheck(
      LOCAL,
      'via-dfdaemon',
      'failed',
      'd7y-stargz-worker2: 0 blob requests through dfdaemon',
    )
    const c = compare(LOCAL, after)
    const row = check(c, 'via-dfdaemon')
    expect(row.change).toBe('regressed')
    expect(row.before).toEqual({
      status: 'passed',
      diagnosis: check(compare(LOCAL, LOCAL), 'via-dfdaemon').after!.diagnosis,
    })
    expect(row.after).toEqual({
      status: 'failed',
      diagnosis: 'd7y-stargz-worker2: 0 blob requests through dfdaemon',
    })
    expect(c.verdict).toMatchObject({
      passed: false,
      redChecks: ['via-dfdaemon'],
      regressedChecks: ['via-dfdaemon'],
    })
  })

  test('passed before, not run after: a regression too', () => {
    const after = withCheck(
      LOCAL,
      'negative-control',
      'not run',
      'not run: an earlier chapter did not complete',
    )
    const c = compare(LOCAL, after)
    expect(check(c, 'negative-control').change).toBe('regressed')
    expect(c.verdict.regressedChecks).toEqual(['negative-control'])
    expect(c.verdict.passed).toBe(false)
  })

  test('red on both sides: still red, not a regression, and the verdict is still negative', () => {
    const red = withCheck(KIND, 'cri-pod-runs', 'failed', 'pod conformance-python-worker2: ImagePullBackOff')
    const c = compare(red, red)
    expect(check(c, 'cri-pod-runs').change).toBe('still red')
    expect(c.verdict).toMatchObject({
      passed: false,
      redChecks: ['cri-pod-runs'],
      regressedChecks: [],
      stillRed: ['cri-pod-runs'],
    })
  })

  test('red before, passed after: fixed, and nothing stands in the way', () => {
    const before = withCheck(KIND, 'single-back-to-source', 'failed', 'the origin served 2.02× the layer')
    const c = compare(before, KIND)
    expect(check(c, 'single-back-to-source').change).toBe('fixed')
    expect(c.verdict.passed).toBe(true)
  })

  test('a check only one side has: new (red if it did not pass) or dropped (no verdict of its own)', () => {
    const noFaults = copy(LOCAL)
    noFaults.checks = noFaults.checks.filter((x) => x.id !== 'fault-catalog')
    const dropped = compare(LOCAL, noFaults)
    expect(check(dropped, 'fault-catalog')).toMatchObject({ change: 'dropped', after: null })
    expect(dropped.verdict.passed).toBe(true)

    const added = compare(noFaults, LOCAL)
    expect(check(added, 'fault-catalog')).toMatchObject({ change: 'new', before: null })
    expect(added.verdict.passed).toBe(true)
    const addedRed = compare(noFaults, withCheck(LOCAL, 'fault-catalog', 'failed', '1 of 17 entries failed'))
    expect(check(addedRed, 'fault-catalog').change).toBe('new')
    expect(addedRed.verdict).toMatchObject({
      passed: false,
      redChecks: ['fault-catalog'],
      regressedChecks: [],
    })
  })

  test('fault catalog entries side by side', () => {
    const after = copy(LOCAL)
    after.faults = after.faults!.map((f) => (f.id === 'p2p-blocked' ? { ...f, ok: false } : f))
    const c = compare(LOCAL, after)
    expect(c.faults).toHaveLength(17)
    expect(c.faults.find((f) => f.id === 'p2p-blocked')).toEqual({
      id: 'p2p-blocked',
      before: true,
      after: false,
      change: 'regressed',
    })
    expect(c.faults.find((f) => f.id === 'baseline')?.change).toBe('held')
    expect(compare(KIND, KIND).faults).toEqual([])
  })
})

describe('compare: figures against their tolerances', () => {
  const before = LOCAL.origin.p2pOnDemand![0]!
  const python = LOCAL.benchmark!.images.find((i) => i.name === 'python3')!
  const pythonCold = python.results.find((r) => r.mode === 'stargz-dragonfly-cold')!.ratioToOci!

  test('the figures of a local run: raw and attributed amplification, the control, every cold start', () => {
    const c = compare(LOCAL, LOCAL)
    expect(figure(c, RAW)).toMatchObject({
      section: 'origin',
      before: before.rawAmplification,
      tolerance: { key: 'rawAmplification', value: DEFAULT_TOLERANCES.rawAmplification },
    })
    expect(figure(c, ATTRIBUTED).tolerance?.key).toBe('attributedAmplification')
    expect(figure(c, 'origin.control.layer1').before).toBe(2.123)
    expect(figure(c, 'origin.control.layer1').tolerance).toBeNull()
    expect(figure(c, PYTHON_COLD_RATIO)).toMatchObject({ section: 'cold start', before: 0.336 })
    // every image and Dragonfly/eStargz mode has a ratio; OCIv1 is the unit, so it has none
    expect(c.figures.filter((f) => f.id.endsWith('.ratio'))).toHaveLength(9)
    expect(c.figures.some((f) => f.id === 'coldStart.python3.oci.ratio')).toBe(false)
    expect(figure(c, 'coldStart.python3.oci.median')).toMatchObject({
      before: 2946,
      unit: 'ms',
      tolerance: null,
    })
  })

  test('raw amplification: exactly at its tolerance passes, just past it is a regression', () => {
    const tol = DEFAULT_TOLERANCES.rawAmplification
    const at = compare(LOCAL, withAmplification(LOCAL, { raw: before.rawAmplification + tol }))
    expect(figure(at, RAW).result).toBe('within tolerance')
    expect(at.verdict.passed).toBe(true)
    const past = compare(LOCAL, withAmplification(LOCAL, { raw: before.rawAmplification + tol + 0.001 }))
    expect(figure(past, RAW).result).toBe('regressed')
    expect(figure(past, RAW).change).toBeCloseTo(tol + 0.001, 9)
    expect(past.verdict).toMatchObject({ passed: false, redChecks: [], regressedFigures: [RAW] })
  })

  test('attributed amplification: at +0.10 passes, at +0.1001 fails', () => {
    expect(DEFAULT_TOLERANCES.attributedAmplification).toBe(0.1)
    const at = compare(LOCAL, withAmplification(LOCAL, { attributed: before.attributedAmplification + 0.1 }))
    expect(figure(at, ATTRIBUTED).result).toBe('within tolerance')
    const past = compare(
      LOCAL,
      withAmplification(LOCAL, { attributed: before.attributedAmplification + 0.1001 }),
    )
    expect(figure(past, ATTRIBUTED).result).toBe('regressed')
    expect(past.verdict.regressedFigures).toEqual([ATTRIBUTED])
  })

  test('cold-start ratio: 0.336 → 0.486 passes at the default 0.15, 0.487 fails; a tolerance override moves the edge', () => {
    expect(DEFAULT_TOLERANCES.coldStartRatio).toBe(0.15)
    expect(figure(compare(LOCAL, withColdRatio(LOCAL, 'python3', 0.486)), PYTHON_COLD_RATIO).result).toBe(
      'within tolerance',
    )
    const past = compare(LOCAL, withColdRatio(LOCAL, 'python3', 0.487))
    expect(figure(past, PYTHON_COLD_RATIO).result).toBe('regressed')
    expect(past.verdict.regressedFigures).toEqual([PYTHON_COLD_RATIO])
    const looser = { ...DEFAULT_TOLERANCES, coldStartRatio: 0.2 }
    expect(
      figure(compare(LOCAL, withColdRatio(LOCAL, 'python3', 0.536), looser), PYTHON_COLD_RATIO),
    ).toMatchObject({
      result: 'within tolerance',
      tolerance: { key: 'coldStartRatio', value: 0.2 },
    })
    expect(pythonCold).toBe(0.336)
  })

  test('a drop is never flagged: within its tolerance it is noise, past it an improvement', () => {
    const slightly = compare(LOCAL, withAmplification(LOCAL, { raw: before.rawAmplification - 0.4 }))
    expect(figure(slightly, RAW)).toMatchObject({ result: 'within tolerance' })
    const better = withColdRatio(withAmplification(LOCAL, { raw: 0.6, attributed: 0.5 }), 'python3', 0.05)
    const c = compare(LOCAL, better)
    for (const id of [RAW, ATTRIBUTED, PYTHON_COLD_RATIO]) expect(figure(c, id).result).toBe('improved')
    expect(c.verdict.passed).toBe(true)
  })

  test('a figure shown without a tolerance is never flagged: a warm median twice as long', () => {
    const after = copy(LOCAL)
    const warm = after.benchmark!.images[0]!.results.find((r) => r.mode === 'stargz-dragonfly-warm')!
    warm.medianMs *= 2
    const c = compare(LOCAL, after)
    expect(figure(c, 'coldStart.python3.stargz-dragonfly-warm.median')).toMatchObject({
      result: 'shown',
      change: warm.medianMs / 2,
    })
    expect(c.verdict.passed).toBe(true)
  })

  test('no benchmark before: its figures are "not compared", not a regression', () => {
    const noBenchmark = copy(LOCAL)
    delete noBenchmark.benchmark
    const c = compare(noBenchmark, withColdRatio(LOCAL, 'python3', 0.9))
    const ratio = figure(c, PYTHON_COLD_RATIO)
    expect(ratio).toMatchObject({ before: null, after: 0.9, change: null, result: 'not compared' })
    expect(ratio.note).toBe('no cold-start benchmark in BEFORE')
    expect(c.verdict.passed).toBe(true)
  })

  test('no benchmark on either side (kind): no cold-start figures, a note says so', () => {
    const c = compare(KIND, KIND)
    expect(c.figures.filter((f) => f.section === 'cold start')).toEqual([])
    expect(c.notes).toContain('cold start: the benchmark ran on neither side')
    expect(figure(c, RAW).before).toBe(KIND.origin.p2pOnDemand![0]!.rawAmplification)
  })

  test('an image only one side measured is not compared', () => {
    const after = copy(LOCAL)
    after.benchmark!.images = after.benchmark!.images.filter((i) => i.name !== 'ruby')
    const f = figure(compare(LOCAL, after), 'coldStart.ruby.stargz-dragonfly-cold.ratio')
    expect(f).toMatchObject({ after: null, result: 'not compared', note: 'ruby not measured in AFTER' })
  })

  test('a summary without on-demand figures (older runs): raw from the origin table, attributed not compared', () => {
    const older = copy(KIND)
    delete older.origin.p2pOnDemand
    const c = compare(older, KIND)
    expect(figure(c, RAW)).toMatchObject({ before: 1.194, result: 'within tolerance' })
    expect(figure(c, ATTRIBUTED)).toMatchObject({
      before: null,
      result: 'not compared',
      note: 'no attributed amplification in BEFORE',
    })
  })

  test('the P2P pull not measured after (the run stopped): not compared, and its checks say why', () => {
    const stopped = withCheck(
      LOCAL,
      'single-back-to-source',
      'not run',
      'not run: an earlier chapter did not complete',
    )
    stopped.origin = {}
    const c = compare(LOCAL, stopped)
    expect(figure(c, RAW)).toMatchObject({
      after: null,
      result: 'not compared',
      note: 'P2P pull not measured in AFTER',
    })
    expect(c.verdict.regressedFigures).toEqual([])
    expect(c.verdict.regressedChecks).toEqual(['single-back-to-source'])
  })

  test("the daemons' footprint: summaries from before it was recorded say so, not a regression", () => {
    const c = compare(LOCAL, LOCAL)
    expect(c.notes).toContain(
      'daemon footprint: recorded on neither side (summaries before 2026-12-06 lack it)',
    )
    expect(c.figures.filter((f) => f.section === 'footprint')).toEqual([])
    const one = compare(LOCAL, FOOTPRINT)
    expect(figure(one, DFDAEMON_MEMORY)).toMatchObject({
      before: null,
      after: 100216832,
      result: 'not compared',
      note: 'no daemon footprint in BEFORE',
    })
    expect(one.verdict.regressedFigures).toEqual([])
  })

  test("the daemons' footprint: each component's largest peak memory of its nodes, CPU time summed", () => {
    const c = compare(FOOTPRINT, FOOTPRINT)
    const ids = c.figures.filter((f) => f.section === 'footprint').map((f) => f.id)
    expect(ids).toEqual([
      'footprint.dfdaemon.peakMemory',
      'footprint.dfdaemon.cpuSeconds',
      'footprint.seed-peer.peakMemory',
      'footprint.seed-peer.cpuSeconds',
      'footprint.scheduler.peakMemory',
      'footprint.scheduler.cpuSeconds',
      'footprint.snapshotter.peakMemory',
      'footprint.snapshotter.cpuSeconds',
    ])
    // the run's two workers: 100216832 and 98332672 bytes, 0.33 s and 0.36 s of CPU
    expect(figure(c, DFDAEMON_MEMORY)).toMatchObject({ before: 100216832, result: 'within tolerance' })
    expect(figure(c, 'footprint.dfdaemon.cpuSeconds')).toMatchObject({ before: 0.69, result: 'shown' })
  })

  test("a daemon's peak memory: exactly the tolerance passes, one byte more is a regression", () => {
    const edge = compare(FOOTPRINT, withDfdaemonMemory(FOOTPRINT, 32 * 1024 * 1024))
    expect(figure(edge, DFDAEMON_MEMORY).result).toBe('within tolerance')
    expect(edge.verdict.passed).toBe(true)
    const past = compare(FOOTPRINT, withDfdaemonMemory(FOOTPRINT, 32 * 1024 * 1024 + 1))
    expect(figure(past, DFDAEMON_MEMORY)).toMatchObject({ result: 'regressed', change: 32 * 1024 * 1024 + 1 })
    expect(past.verdict).toMatchObject({ passed: false, regressedFigures: [DFDAEMON_MEMORY] })
    const tighter = compare(FOOTPRINT, withDfdaemonMemory(FOOTPRINT, 2 ** 20), {
      ...DEFAULT_TOLERANCES,
      daemonPeakMemory: 2 ** 20 - 1,
    })
    expect(figure(tighter, DFDAEMON_MEMORY).result).toBe('regressed')
    // CPU time is shown, never flagged
    const busier = copy(FOOTPRINT)
    for (const r of busier.footprint!) r.cpuSeconds *= 10
    expect(compare(FOOTPRINT, busier).verdict.passed).toBe(true)
  })
})

describe('compare: tolerances', () => {
  test('overrides: key=value pairs, comma-separated, over the defaults', () => {
    expect(parseTolerances('rawAmplification=0.5,coldStartRatio=0.2')).toEqual({
      ...DEFAULT_TOLERANCES,
      rawAmplification: 0.5,
      coldStartRatio: 0.2,
    })
    expect(
      parseTolerances('attributedAmplification=0', { ...DEFAULT_TOLERANCES, rawAmplification: 1 }),
    ).toEqual({
      ...DEFAULT_TOLERANCES,
      rawAmplification: 1,
      attributedAmplification: 0,
    })
  })

  test('an unknown key, a negative or missing value is refused with the keys it knows', () => {
    expect(() => parseTolerances('amplification=0.1')).toThrow(
      'unknown tolerance "amplification" (known: rawAmplification, attributedAmplification, coldStartRatio, daemonPeakMemory)',
    )
    expect(() => parseTolerances('coldStartRatio=-0.1')).toThrow(
      'tolerance coldStartRatio: "-0.1" is not a number ≥ 0',
    )
    expect(() => parseTolerances('coldStartRatio')).toThrow('tolerance "coldStartRatio": expected key=value')
  })
})

describe('compare: versions that ran, side by side', () => {
  test('kind: the snapshotter upgraded, everything else held, the chart listed', () => {
    const after = copy(KIND)
    after.versions.tools.stargz = 'v0.19.1'
    after.versions.ran.stargz = 'v0.19.1'
    const c = compare(KIND, after)
    const row = (name: string) => c.versions.find((v) => v.component === name)
    expect(row('stargz')).toEqual({
      component: 'stargz',
      before: { pinned: 'v0.18.2', ran: 'v0.18.2' },
      after: { pinned: 'v0.19.1', ran: 'v0.19.1' },
      changed: true,
    })
    // pinned v1.5.0, ran 1.5.0 on both sides: not a change
    expect(row('dfdaemon')).toEqual({
      component: 'dfdaemon',
      before: { pinned: 'v1.5.0', ran: '1.5.0' },
      after: { pinned: 'v1.5.0', ran: '1.5.0' },
      changed: false,
    })
    expect(row('dragonfly chart')).toMatchObject({ before: { pinned: '1.7.4' }, changed: false })
    expect(c.versions.filter((v) => v.changed).map((v) => v.component)).toEqual(['stargz'])
  })

  test("local: the profile's components and what ran (no chart); a component only one side ran", () => {
    const after = copy(LOCAL)
    delete after.versions.ran.registry
    const c = compare(LOCAL, after)
    const names = c.versions.map((v) => v.component)
    expect(names).toEqual(
      expect.arrayContaining(['containerd', 'nerdctl', 'stargz', 'scheduler', 'dfdaemon', 'registry']),
    )
    expect(names).not.toContain('dragonfly chart')
    expect(names).not.toContain('kind')
    // the registry's pin is an image: without a record of what ran, AFTER has no version for it
    expect(c.versions.find((v) => v.component === 'registry')).toMatchObject({
      before: { pinned: 'registry:2.8.3', ran: '2.8.2+ds1' },
      after: { pinned: 'registry:2.8.3' },
      changed: false,
    })
  })

  test('two profiles compared: a note says so', () => {
    expect(compare(LOCAL, KIND).notes).toContain(
      'the runs are of different profiles: local before, kind after',
    )
  })
})

describe('compare.md', () => {
  test('no regression: the verdict, every check, the figures, versions and the tolerances used', () => {
    const md = compareMarkdown(compare(LOCAL, LOCAL))
    expect(md).toMatch(/^# Conformance comparison: ✅ no regression$/m)
    expect(md).toMatch(
      /^\| Negative control: with the mirror bypassed every routing check fails \(`negative-control`\) \| ✅ pass \| ✅ pass \| held \| {2}\|$/m,
    )
    expect(md).toMatch(
      /^\| P2P pull, large layer \(66\.5 MiB\): raw amplification \| 1\.44× \| 1\.44× \| ±0\.00× \| \+0\.75× \| ✅ within \|$/m,
    )
    expect(md).toMatch(/^## Cold start/m)
    expect(md).toMatch(/^\| dfdaemon \| v1\.5\.0 \(ran 1\.5\.0\) \| v1\.5\.0 \(ran 1\.5\.0\) \| {2}\|$/m)
    expect(md).toMatch(/^\| `coldStartRatio` \| 0\.15 \| 0\.15 \|/m)
    expect(md).toMatch(/daemon footprint: recorded on neither side/)
    const withFootprint = compareMarkdown(compare(FOOTPRINT, FOOTPRINT))
    expect(withFootprint).toMatch(/^## Daemon footprint \(through the P2P pull\)$/m)
    expect(withFootprint).toMatch(
      /^\| dfdaemon: peak memory \(largest of 2 nodes\) \| 95\.6 MiB \| 95\.6 MiB \| ±0 B \| \+32\.0 MiB \| ✅ within \|$/m,
    )
    expect(withFootprint).toMatch(
      /^\| dfdaemon: CPU time \(2 nodes together\) \| 0\.7 s \| 0\.7 s \| ±0\.0 s \|/m,
    )
  })

  test('a regression: the check with its diagnosis, the figure past its tolerance, not-compared figures', () => {
    const after = withColdRatio(
      withCheck(LOCAL, 'via-dfdaemon', 'failed', 'd7y-stargz-worker2: 0 blob requests | through dfdaemon'),
      'python3',
      0.9,
    )
    const noBenchmark = copy(LOCAL)
    delete noBenchmark.benchmark
    const md = compareMarkdown(compare(LOCAL, after))
    expect(md).toMatch(/^# Conformance comparison: ❌ regression$/m)
    expect(md).toContain('**Checks:** 1 not passed in AFTER (1 regressed)')
    expect(md).toMatch(
      /\| ✅ pass \| ❌ fail \| \*\*regressed\*\* \| d7y-stargz-worker2: 0 blob requests \\\| through dfdaemon \|$/m,
    )
    expect(md).toMatch(
      /^\| python3, eStargz \+ Dragonfly \(cold\): time vs OCIv1 \| 0\.34× \| 0\.90× \| \+0\.56× \| \+0\.15× \| 🔴 \*\*past tolerance\*\* \|$/m,
    )
    const notCompared = compareMarkdown(compare(noBenchmark, LOCAL))
    expect(notCompared).toMatch(
      /^\| python3, eStargz \+ Dragonfly \(cold\): time vs OCIv1 \| – \| 0\.34× \| {2}\| \+0\.15× \| not compared: no cold-start benchmark in BEFORE \|$/m,
    )
  })
})

describe('d7y-conformance compare', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-compare-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, summary: unknown) => {
    const file = path.join(dir, name)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify(summary, null, 2))
    return file
  }
  const cli = (args: string[]) => execa('node', [BIN, 'compare', ...args], { cwd: ROOT, reject: false })
  const TIMEOUT = 30_000

  describe.concurrent('exit codes', () => {
    test(
      'the same run twice: exit 0, the Markdown on stdout',
      async () => {
        const r = await cli([LOCAL_FILE, LOCAL_FILE])
        expect(r.stderr).toBe('')
        expect(r.exitCode).toBe(0)
        const expected = compareSummaries(
          { source: LOCAL_FILE, summary: LOCAL },
          { source: LOCAL_FILE, summary: LOCAL },
          DEFAULT_TOLERANCES,
        )
        expect(r.stdout.trim()).toBe(compareMarkdown(expected).trim())
      },
      TIMEOUT,
    )

    test(
      'CI artifact folders: the summary.json inside each is read',
      async () => {
        const before = path.dirname(write('artifact-before/summary.json', KIND))
        const after = path.dirname(write('artifact-after/summary.json', KIND))
        const r = await cli([before, after, '--json'])
        expect(r.exitCode).toBe(0)
        const out = JSON.parse(r.stdout) as Comparison
        expect(out.before.source).toBe(path.join(before, 'summary.json'))
        expect(out.verdict.passed).toBe(true)
      },
      TIMEOUT,
    )

    test(
      'a check that went red: exit 1, the reason on stderr',
      async () => {
        const after = write(
          'red.json',
          withCheck(KIND, 'via-dfdaemon', 'failed', 'no blob request through dfdaemon'),
        )
        const r = await cli([KIND_FILE, after])
        expect(r.exitCode).toBe(1)
        expect(r.stdout).toMatch(/^# Conformance comparison: ❌ regression$/m)
        expect(r.stderr).toBe('compare: 1 check not passed in AFTER (regressed: via-dfdaemon)')
      },
      TIMEOUT,
    )

    test(
      'a check red on both sides: exit 1 (still red)',
      async () => {
        const red = write('still-red.json', withCheck(KIND, 'cri-pod-runs', 'failed', 'ImagePullBackOff'))
        const r = await cli([red, red])
        expect(r.exitCode).toBe(1)
        expect(r.stderr).toBe('compare: 1 check not passed in AFTER (still red: cri-pod-runs)')
      },
      TIMEOUT,
    )

    test(
      'a figure past its tolerance: exit 1; a looser --tolerance lets it pass',
      async () => {
        const raw = LOCAL.origin.p2pOnDemand![0]!.rawAmplification
        const after = write('raw.json', withAmplification(LOCAL, { raw: raw + 0.5 }))
        const within = await cli([LOCAL_FILE, after])
        expect(within.exitCode).toBe(0)
        const strict = await cli([LOCAL_FILE, after, '--tolerance', 'rawAmplification=0.25'])
        expect(strict.exitCode).toBe(1)
        expect(strict.stderr).toBe(`compare: 1 figure past its tolerance (${RAW})`)
        const both = await cli([
          LOCAL_FILE,
          after,
          '--tolerance',
          'rawAmplification=0.25',
          '--tolerance',
          'rawAmplification=0.5',
        ])
        expect(both.exitCode).toBe(0)
      },
      TIMEOUT,
    )

    test(
      '--out DIR writes compare.md and compare.json beside what stdout shows',
      async () => {
        const out = path.join(dir, 'out')
        const r = await cli([KIND_FILE, KIND_FILE, '--out', out])
        expect(r.exitCode).toBe(0)
        expect(readFileSync(path.join(out, 'compare.md'), 'utf8').trim()).toBe(r.stdout.trim())
        const json = JSON.parse(readFileSync(path.join(out, 'compare.json'), 'utf8')) as Comparison
        expect(json.verdict.passed).toBe(true)
        expect(json.tolerances).toEqual(DEFAULT_TOLERANCES)
      },
      TIMEOUT,
    )

    test(
      'bad input: exit 2 and one line',
      async () => {
        const bad = await cli([KIND_FILE, KIND_FILE, '--tolerance', 'amplification=0.1'])
        expect(bad.exitCode).toBe(2)
        expect(bad.stderr).toMatch(/unknown tolerance "amplification"/)
        const missing = await cli([KIND_FILE, path.join(dir, 'absent.json')])
        expect(missing.exitCode).toBe(2)
        expect(missing.stderr).toMatch(/^d7y-conformance: summary .*absent\.json: no such file$/)
        const empty = path.join(dir, 'empty-artifact')
        mkdirSync(empty, { recursive: true })
        const folder = await cli([empty, KIND_FILE])
        expect(folder.exitCode).toBe(2)
        expect(folder.stderr).toBe(`d7y-conformance: summary ${empty}: a folder without summary.json`)
        const malformed = copy(LOCAL) as unknown as { benchmark: { samples: string } }
        malformed.benchmark.samples = 'three'
        const odd = write('malformed.json', malformed)
        const r = await cli([LOCAL_FILE, odd])
        expect(r.exitCode).toBe(2)
        expect(r.stderr).toBe(
          `d7y-conformance: summary ${odd}: not a conformance summary: benchmark.samples: Invalid input: expected number, received string`,
        )
      },
      TIMEOUT,
    )
  })

  test(
    '--help documents every tolerance with its default, and the exit codes',
    async () => {
      const r = await cli(['--help'])
      expect(r.exitCode).toBe(0)
      for (const [key, value] of Object.entries(DEFAULT_TOLERANCES))
        expect(r.stdout).toMatch(new RegExp(`^\\s+${key}\\s+${value}\\s`, 'm'))
      expect(r.stdout).toMatch(/^Exit codes:\n {2}0 {2}.*\n {2}1 {2}.*\n {2}2 {2}bad input/m)
    },
    TIMEOUT,
  )
})
