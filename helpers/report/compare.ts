// Two runs side by side (`d7y-conformance compare BEFORE AFTER`, and the upgrade gate's before/after):
// every check's status, the figures summary.json records (the P2P pull's raw and attributed
// amplification, the negative control's, the cold-start benchmark), the fault catalog's entries and
// the versions that ran. A check that did not pass in AFTER, or a figure that rose past its tolerance,
// makes the comparison negative. Pure: summaries in, a typed result out (compare-markdown.ts draws it).
//
// Tolerances: how far a figure may rise from BEFORE to AFTER (every figure compared is better lower)
// before it is a regression. Absolute, in the figure's own unit. A rise of exactly the tolerance
// passes (figures are compared to 1e-9); a drop is never a regression, and one larger than the
// tolerance is reported as an improvement.
//
// | key                     | default | figure (×)                                           | what the default rests on                                        |
// | ----------------------- | ------- | ---------------------------------------------------- | ---------------------------------------------------------------- |
// | rawAmplification        | 0.75    | P2P pull: origin bytes / the large layer's size      | 1.16–1.86 over 20 unchanged runs (docs/flake/2026-12-05)         |
// | attributedAmplification | 0.10    | the same, reads P2P could not have served excused    | 1.00–1.06 over the same runs; the check's limit 1.12 (2 workers) |
// | coldStartRatio          | 0.15    | cold-start median / OCIv1 median, per image and mode | python3's 3 OCIv1 samples alone could move it by 0.11 (one run)  |
// | daemonPeakMemory        | 32 MiB  | a daemon's peak resident memory (VmHWM), bytes       | dfdaemon 77.5–101 MiB over 60 scale samples (docs/scale)         |
//
// Shown, never flagged (they depend on the machine more than on the versions): the negative control's
// amplification, bytes fetched twice, the benchmark's medians and origin bytes, the daemons' CPU time.
import { LARGE_LAYER_BYTES } from '../checks/back-to-source.ts'
import { FOOTPRINT_COMPONENTS } from '../evidence/daemon-footprint.ts'
import type { OriginRow } from '../evidence/origin-figures.ts'
import type { CheckStatus } from '../run/state.ts'
import { BENCHMARK_MODES, MODE_SHORT } from './benchmark-types.ts'
import { size } from './markdown-format.ts'
import { componentsOf } from './profile-components.ts'
import type { SummaryInput } from './summary-schema.ts'
import type { Summary } from './summary.ts'

export const TOLERANCE_KEYS = [
  'rawAmplification',
  'attributedAmplification',
  'coldStartRatio',
  'daemonPeakMemory',
] as const
export type ToleranceKey = (typeof TOLERANCE_KEYS)[number]
export type Tolerances = Record<ToleranceKey, number>

/** Each tolerance's default, the figure it bounds and why the default is what it is (the table above). */
export const TOLERANCES: Record<ToleranceKey, { default: number; figure: string; why: string }> = {
  rawAmplification: {
    default: 0.75,
    figure: "P2P pull: bytes the origin served / the large layer's size (×)",
    why: '20 runs of one unchanged stack spread 1.16–1.86× (docs/flake/2026-12-05): on-demand reads before any peer has a piece vary with timing',
  },
  attributedAmplification: {
    default: 0.1,
    figure: 'the same, with the reads P2P could not have served excused (×)',
    why: "the same 20 runs: 1.00–1.06×; single-back-to-source's own limit on 2 workers is 1.12×",
  },
  coldStartRatio: {
    default: 0.15,
    figure: 'cold start (pull + run) median / the OCIv1 median, per image and mode (×)',
    why: "in one run (gate of 2026-12-05) python3's 3 OCIv1 samples alone (2.2–3.2 s) could move its ratio by 0.11",
  },
  daemonPeakMemory: {
    default: 32 * 1024 * 1024,
    figure: "a daemon's peak resident memory through the P2P pull (VmHWM; the largest of its nodes), bytes",
    why: "one stack's dfdaemons peaked at 77.5–101 MiB over 60 samples of the scale series (docs/scale/2026-12-03): a spread of 23.5 MiB",
  },
}

export const DEFAULT_TOLERANCES: Tolerances = Object.fromEntries(
  TOLERANCE_KEYS.map((k) => [k, TOLERANCES[k].default]),
) as Tolerances

export class ToleranceError extends Error {
  override name = 'ToleranceError'
}

/** `key=value[,key=value]` over `base`; throws ToleranceError naming what is wrong. */
export function parseTolerances(text: string, base: Tolerances = DEFAULT_TOLERANCES): Tolerances {
  const result = { ...base }
  for (const pair of text.split(',').map((p) => p.trim())) {
    const eq = pair.indexOf('=')
    if (eq < 0) throw new ToleranceError(`tolerance "${pair}": expected key=value`)
    const key = pair.slice(0, eq).trim()
    const raw = pair.slice(eq + 1).trim()
    if (!(TOLERANCE_KEYS as readonly string[]).includes(key))
      throw new ToleranceError(`unknown tolerance "${key}" (known: ${TOLERANCE_KEYS.join(', ')})`)
    const value = Number(raw)
    if (raw === '' || !Number.isFinite(value) || value < 0)
      throw new ToleranceError(`tolerance ${key}: "${raw}" is not a number ≥ 0`)
    result[key as ToleranceKey] = value
  }
  return result
}

/** How a check (or a fault catalog entry) went from BEFORE to AFTER. */
export type Change = 'held' | 'fixed' | 'regressed' | 'still red' | 'new' | 'dropped'

export interface CheckSide {
  status: CheckStatus
  diagnosis: string
}

export interface CheckComparison {
  id: string
  title: string
  /** null: the check is not in that summary (another profile, no fault catalog, an older catalog) */
  before: CheckSide | null
  after: CheckSide | null
  change: Change
}

export interface FaultComparison {
  id: string
  /** the entry held (no false pass, no false alarm, its own cause); null: not in that run */
  before: boolean | null
  after: boolean | null
  change: Change
}

export type FigureSection = 'origin' | 'cold start' | 'footprint'
export type FigureUnit = 'ratio' | 'ms' | 'bytes' | 's'
export type FigureResult = 'regressed' | 'within tolerance' | 'improved' | 'shown' | 'not compared'

export interface FigureComparison {
  section: FigureSection
  /** stable across runs, e.g. origin.p2p.layer1.raw, coldStart.python3.stargz-dragonfly-cold.ratio */
  id: string
  label: string
  unit: FigureUnit
  before: number | null
  after: number | null
  /** after − before; null when either side lacks the figure */
  change: number | null
  /** null: shown, never flagged */
  tolerance: { key: ToleranceKey; value: number } | null
  result: FigureResult
  /** why it was not compared */
  note?: string
}

export interface VersionSide {
  /** what was asked for (tool pin, image reference, chart version) */
  pinned?: string
  /** what the component said its version is where it ran */
  ran?: string
}

export interface VersionComparison {
  component: string
  /** null: the component is not part of that run */
  before: VersionSide | null
  after: VersionSide | null
  /** another pin, another version that ran (where both sides confirmed one), or only one side has it */
  changed: boolean
}

export interface RunRef {
  source: string
  profile: string
  runId: string
  startedAt: string
  finishedAt: string
  passed: boolean
  filtered?: string
}

export interface Comparison {
  before: RunRef
  after: RunRef
  tolerances: Tolerances
  checks: CheckComparison[]
  figures: FigureComparison[]
  faults: FaultComparison[]
  versions: VersionComparison[]
  /** what could not be compared as a whole, and why; runs of different profiles */
  notes: string[]
  verdict: {
    /** every check in AFTER passed and no figure rose past its tolerance */
    passed: boolean
    /** checks in AFTER that did not pass */
    redChecks: string[]
    /** of those: passed in BEFORE */
    regressedChecks: string[]
    /** of those: did not pass in BEFORE either */
    stillRed: string[]
    /** figure ids past their tolerance */
    regressedFigures: string[]
  }
}

export function compareSummaries(
  before: SummaryInput,
  after: SummaryInput,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
): Comparison {
  const b = before.summary
  const a = after.summary
  const checks = compareChecks(b, a)
  const { figures, notes } = compareFigures(b, a, tolerances)
  const red = checks.filter((c) => c.after && c.after.status !== 'passed')
  const regressedFigures = figures.filter((f) => f.result === 'regressed').map((f) => f.id)
  return {
    before: runRef(before),
    after: runRef(after),
    tolerances,
    checks,
    figures,
    faults: compareFaults(b, a),
    versions: compareVersions(b, a),
    notes: [...runNotes(b, a), ...notes],
    verdict: {
      passed: red.length === 0 && regressedFigures.length === 0,
      redChecks: red.map((c) => c.id),
      regressedChecks: red.filter((c) => c.change === 'regressed').map((c) => c.id),
      stillRed: red.filter((c) => c.change === 'still red').map((c) => c.id),
      regressedFigures,
    },
  }
}

/** The verdict in one line: what did not pass and what rose past its tolerance ('' when nothing). */
export function verdictLine(c: Comparison): string {
  const v = c.verdict
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const newRed = v.redChecks.filter((id) => !v.regressedChecks.includes(id) && !v.stillRed.includes(id))
  const which = [
    v.regressedChecks.length ? `regressed: ${v.regressedChecks.join(', ')}` : '',
    v.stillRed.length ? `still red: ${v.stillRed.join(', ')}` : '',
    newRed.length ? `new: ${newRed.join(', ')}` : '',
  ].filter(Boolean)
  return [
    v.redChecks.length
      ? `${plural(v.redChecks.length, 'check')} not passed in AFTER (${which.join('; ')})`
      : '',
    v.regressedFigures.length
      ? `${plural(v.regressedFigures.length, 'figure')} past its tolerance (${v.regressedFigures.join(', ')})`
      : '',
  ]
    .filter(Boolean)
    .join('; ')
}

function runRef({ source, summary: s }: SummaryInput): RunRef {
  return {
    source,
    profile: s.profile,
    runId: s.runId,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    passed: s.passed,
    ...(s.filtered ? { filtered: s.filtered } : {}),
  }
}

function runNotes(b: Summary, a: Summary): string[] {
  return [
    b.profile !== a.profile
      ? `the runs are of different profiles: ${b.profile} before, ${a.profile} after`
      : '',
    b.filtered ? `BEFORE was a filtered run (${b.filtered}): its other checks did not run` : '',
    a.filtered ? `AFTER was a filtered run (${a.filtered}): its other checks did not run` : '',
  ].filter(Boolean)
}

function change(before: boolean | null, after: boolean | null): Change {
  if (before === null) return 'new'
  if (after === null) return 'dropped'
  if (before) return after ? 'held' : 'regressed'
  return after ? 'fixed' : 'still red'
}

/** Keys of both sides: BEFORE's order, then what only AFTER has. */
function union<T>(before: T[], after: T[]): T[] {
  return [...new Set([...before, ...after])]
}

function compareChecks(b: Summary, a: Summary): CheckComparison[] {
  const side = (s: Summary, id: string): CheckSide | null => {
    const c = s.checks.find((x) => x.id === id)
    return c ? { status: c.status, diagnosis: c.diagnosis } : null
  }
  const ids = union(
    b.checks.map((c) => c.id),
    a.checks.map((c) => c.id),
  )
  return ids.map((id) => {
    const before = side(b, id)
    const after = side(a, id)
    const passed = (x: CheckSide | null) => (x ? x.status === 'passed' : null)
    const title = [...a.checks, ...b.checks].find((c) => c.id === id)!.title
    return { id, title, before, after, change: change(passed(before), passed(after)) }
  })
}

function compareFaults(b: Summary, a: Summary): FaultComparison[] {
  const ok = (s: Summary, id: string) => s.faults?.find((f) => f.id === id)?.ok ?? null
  const ids = union(
    (b.faults ?? []).map((f) => f.id),
    (a.faults ?? []).map((f) => f.id),
  )
  return ids.map((id) => ({ id, before: ok(b, id), after: ok(a, id), change: change(ok(b, id), ok(a, id)) }))
}

// Figures. Each side yields its measured figures per group, or why it has none; the two are paired
// by id. Digests differ between runs (every pull takes its own blobs), so layers pair by position.

type Side = 'BEFORE' | 'AFTER'

interface Measure {
  section: FigureSection
  id: string
  label: string
  unit: FigureUnit
  tolerance: ToleranceKey | null
  value: number | null
  /** why value is null, for a side */
  missing?: (side: Side) => string
  /** what has to be measured for this figure, coarse to fine (e.g. an image, then one of its modes) */
  scopes: string[]
}

type Group = { measures: Measure[] } | { absent: (side: Side) => string }

interface GroupKind {
  of: (s: Summary) => Group
  /** the note when neither side has the group */
  neither: string
}

const GROUPS: GroupKind[] = [
  { of: p2pGroup, neither: 'P2P pull: measured on neither side' },
  { of: controlGroup, neither: 'negative control: measured on neither side' },
  { of: coldStartGroup, neither: 'cold start: the benchmark ran on neither side' },
  {
    of: footprintGroup,
    neither: 'daemon footprint: recorded on neither side (summaries before 2026-12-06 lack it)',
  },
]

function compareFigures(
  b: Summary,
  a: Summary,
  tolerances: Tolerances,
): { figures: FigureComparison[]; notes: string[] } {
  const figures: FigureComparison[] = []
  const notes: string[] = []
  for (const kind of GROUPS) {
    const before = kind.of(b)
    const after = kind.of(a)
    if ('absent' in before && 'absent' in after) {
      notes.push(kind.neither)
      continue
    }
    const list = (g: Group) => ('measures' in g ? g.measures : [])
    const ids = union(
      list(before).map((m) => m.id),
      list(after).map((m) => m.id),
    )
    for (const id of ids) {
      const mb = list(before).find((m) => m.id === id)
      const ma = list(after).find((m) => m.id === id)
      figures.push(pairFigure((mb ?? ma)!, [before, mb], [after, ma], tolerances))
    }
  }
  return { figures, notes }
}

const EPSILON = 1e-9

function pairFigure(
  m: Measure,
  [before, mb]: [Group, Measure | undefined],
  [after, ma]: [Group, Measure | undefined],
  tolerances: Tolerances,
): FigureComparison {
  const why = (side: Side, g: Group, own: Measure | undefined): string | undefined => {
    if ('absent' in g) return g.absent(side)
    if (!own) {
      const scopes = new Set(g.measures.flatMap((x) => x.scopes))
      return `${m.scopes.find((s) => !scopes.has(s)) ?? m.label} not measured in ${side}`
    }
    return own.value === null ? own.missing?.(side) : undefined
  }
  const notes = [why('BEFORE', before, mb), why('AFTER', after, ma)].filter(Boolean)
  const tolerance = m.tolerance ? { key: m.tolerance, value: tolerances[m.tolerance] } : null
  const base = {
    section: m.section,
    id: m.id,
    label: m.label,
    unit: m.unit,
    before: mb?.value ?? null,
    after: ma?.value ?? null,
    tolerance,
  }
  if (notes.length || base.before === null || base.after === null)
    return { ...base, change: null, result: 'not compared', note: notes.join('; ') }
  const delta = base.after - base.before
  const result: FigureResult = !tolerance
    ? 'shown'
    : delta > tolerance.value + EPSILON
      ? 'regressed'
      : delta < -tolerance.value - EPSILON
        ? 'improved'
        : 'within tolerance'
  return { ...base, change: delta, result }
}

const isConfig = (r: OriginRow) => /config/i.test(r.mediaType ?? '')
const largeLayers = (rows: OriginRow[] | undefined) =>
  (rows ?? []).filter((r) => !isConfig(r) && r.size >= LARGE_LAYER_BYTES)

const layerName = (i: number, count: number, bytes: number) =>
  `large layer${count > 1 ? ` ${i + 1}` : ''} (${size(bytes)})`

function p2pGroup(s: Summary): Group {
  const onDemand = s.origin.p2pOnDemand ?? []
  const layers = onDemand.length
    ? onDemand.map((f) => ({
        size: f.size,
        raw: f.rawAmplification,
        attributed: f.attributedAmplification as number | null,
        fetchedTwice: f.fetchedTwiceBytes as number | null,
      }))
    : largeLayers(s.origin.p2p).map((r) => ({
        size: r.size,
        raw: r.amplification,
        attributed: null,
        fetchedTwice: null,
      }))
  if (!layers.length) return { absent: (side) => `P2P pull not measured in ${side}` }
  return {
    measures: layers.flatMap((l, i) => {
      const measure = (
        figure: string,
        m: Pick<Measure, 'label' | 'unit' | 'tolerance' | 'value' | 'missing'>,
      ) => ({
        ...m,
        section: 'origin' as const,
        id: `origin.p2p.layer${i + 1}.${figure}`,
        label: `P2P pull, ${layerName(i, layers.length, l.size)}: ${m.label}`,
        scopes: [`large layer ${i + 1}`],
      })
      return [
        measure('raw', {
          label: 'raw amplification',
          unit: 'ratio',
          tolerance: 'rawAmplification',
          value: l.raw,
        }),
        measure('attributed', {
          label: 'attributed amplification',
          unit: 'ratio',
          tolerance: 'attributedAmplification',
          value: l.attributed,
          missing: (side) => `no attributed amplification in ${side}`,
        }),
        measure('fetchedTwice', {
          label: 'fetched twice (from the origin on demand and from peers)',
          unit: 'bytes',
          tolerance: null,
          value: l.fetchedTwice,
          missing: (side) => `no on-demand figures in ${side}`,
        }),
      ]
    }),
  }
}

function controlGroup(s: Summary): Group {
  const layers = largeLayers(s.origin.control)
  if (!layers.length) return { absent: (side) => `negative control not measured in ${side}` }
  return {
    measures: layers.map((r, i) => ({
      section: 'origin',
      id: `origin.control.layer${i + 1}`,
      label: `Negative control (mirror bypassed), ${layerName(i, layers.length, r.size)}: amplification`,
      unit: 'ratio',
      tolerance: null,
      value: r.amplification,
      scopes: [`control layer ${i + 1}`],
    })),
  }
}

function coldStartGroup(s: Summary): Group {
  if (!s.benchmark) return { absent: (side) => `no cold-start benchmark in ${side}` }
  const results = s.benchmark.images.flatMap((image) =>
    BENCHMARK_MODES.flatMap((mode) => {
      const r = image.results.find((x) => x.mode === mode)
      return r ? [{ image: image.name, mode, r, name: `${image.name}, ${MODE_SHORT[mode]}` }] : []
    }),
  )
  type Result = (typeof results)[number]
  const measure = (
    x: Result,
    figure: string,
    m: Pick<Measure, 'label' | 'unit' | 'tolerance' | 'value' | 'missing'>,
  ): Measure => ({
    section: 'cold start',
    id: `coldStart.${x.image}.${x.mode}.${figure}`,
    scopes: [x.image, x.name],
    ...m,
  })
  // The flagged ratios first (OCIv1 is their unit), then the figures shown only.
  return {
    measures: [
      ...results
        .filter((x) => x.mode !== 'oci')
        .map((x) =>
          measure(x, 'ratio', {
            label: `${x.name}: time vs OCIv1`,
            unit: 'ratio',
            tolerance: 'coldStartRatio',
            value: x.r.ratioToOci,
            missing: (side) => `no OCIv1 time for ${x.image} in ${side}`,
          }),
        ),
      ...results.map((x) =>
        measure(x, 'median', {
          label: `${x.name}: median pull + run`,
          unit: 'ms',
          tolerance: null,
          value: x.r.medianMs,
        }),
      ),
      ...results.map((x) =>
        measure(x, 'originBytes', {
          label: `${x.name}: origin bytes per pull`,
          unit: 'bytes',
          tolerance: null,
          value: x.r.originBytes,
        }),
      ),
    ],
  }
}

// Footprint: per component, the largest peak memory of its nodes (flagged) and the CPU time of all
// its nodes together (shown). Nodes pair by component, not by name: a seed peer may land elsewhere.
function footprintGroup(s: Summary): Group {
  const records = s.footprint ?? []
  if (!records.length) return { absent: (side) => `no daemon footprint in ${side}` }
  return {
    measures: FOOTPRINT_COMPONENTS.flatMap((component) => {
      const of = records.filter((r) => r.component === component)
      if (!of.length) return []
      const scopes = [component]
      const nodes = `${of.length} node${of.length === 1 ? '' : 's'}`
      return [
        {
          section: 'footprint' as const,
          id: `footprint.${component}.peakMemory`,
          label: `${component}: peak memory (largest of ${nodes})`,
          unit: 'bytes' as const,
          tolerance: 'daemonPeakMemory' as const,
          value: Math.max(...of.map((r) => r.highWaterMemBytes)),
          scopes,
        },
        {
          section: 'footprint' as const,
          id: `footprint.${component}.cpuSeconds`,
          label: `${component}: CPU time (${nodes} together)`,
          unit: 's' as const,
          tolerance: null,
          value: Number(of.reduce((sum, r) => sum + r.cpuSeconds, 0).toFixed(2)),
          scopes,
        },
      ]
    }),
  }
}

// Versions: the profile's components (as summary.md lists them) and everything either side says ran.

function compareVersions(b: Summary, a: Summary): VersionComparison[] {
  const components = (s: Summary) => {
    const c = componentsOf(s.profile)
    const tools = c.tools.length ? [...c.tools] : Object.keys(s.versions.tools)
    return union(tools, Object.keys(s.versions.ran ?? {}))
  }
  const names = union(components(b), components(a))
  const side = (s: Summary, name: string): VersionSide | null => {
    const pinned = s.versions.tools[name] ?? s.versions.images[name]
    const ran = s.versions.ran?.[name]
    if (pinned === undefined && ran === undefined) return null
    return { ...(pinned !== undefined ? { pinned } : {}), ...(ran !== undefined ? { ran } : {}) }
  }
  const rows = names.map((name) => row(name, side(b, name), side(a, name)))
  const chart = (s: Summary) => (componentsOf(s.profile).chart ? { pinned: s.versions.chart } : null)
  if (chart(b) || chart(a)) rows.push(row('dragonfly chart', chart(b), chart(a)))
  const images = union([...componentsOf(b.profile).images], [...componentsOf(a.profile).images]).filter(
    (name) => !names.includes(name),
  )
  for (const name of images) {
    const image = (s: Summary) => {
      const ref = componentsOf(s.profile).images.some((x) => x === name) ? s.versions.images[name] : undefined
      return ref ? { pinned: ref } : null
    }
    rows.push(row(`image ${name}`, image(b), image(a)))
  }
  return rows
}

function row(component: string, before: VersionSide | null, after: VersionSide | null): VersionComparison {
  const changed =
    !before || !after
      ? before !== after
      : before.pinned !== after.pinned ||
        (before.ran !== undefined && after.ran !== undefined && before.ran !== after.ran)
  return { component, before, after, changed }
}
