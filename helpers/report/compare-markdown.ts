// compare.md: two runs side by side for people (a CI job summary): the verdict, every check with its
// diagnosis where it changed or is red, every figure with its tolerance, the fault catalog's entries,
// the versions on both sides and the tolerances used.
import {
  TOLERANCE_KEYS,
  TOLERANCES,
  type Change,
  type CheckComparison,
  type CheckSide,
  type Comparison,
  type FigureComparison,
  type FigureSection,
  type FigureUnit,
  type RunRef,
  type VersionSide,
} from './compare.ts'
import { seconds, size, STATUS_MARK, table, utc } from './markdown-format.ts'

/** A section: its heading, then paragraphs and tables separated by blank lines. */
const section = (heading: string, ...blocks: string[]) => [`## ${heading}`, ...blocks].join('\n\n')

export function compareMarkdown(c: Comparison): string {
  const parts = [
    header(c),
    c.notes.length ? section('Notes', c.notes.map((n) => `- ${n}`).join('\n')) : '',
    checksSection(c),
    figuresSection(c, 'origin', 'Origin amplification'),
    figuresSection(c, 'cold start', 'Cold start (pull + run)'),
    figuresSection(c, 'footprint', 'Daemon footprint (through the P2P pull)'),
    faultsSection(c),
    versionsSection(c),
    tolerancesSection(c),
  ]
  return `${parts.filter(Boolean).join('\n\n')}\n`
}

function runLine(label: string, r: RunRef): string {
  const verdict = r.passed ? '✅ passed' : '❌ failed'
  return `**${label}** \`${r.source}\`: profile \`${r.profile}\`, run \`${r.runId}\`, ${utc(r.startedAt)}, ${verdict}`
}

function header(c: Comparison): string {
  const v = c.verdict
  const count = (result: FigureComparison['result']) => c.figures.filter((f) => f.result === result).length
  const fixed = c.checks.filter((x) => x.change === 'fixed').length
  const newRed = v.redChecks.length - v.regressedChecks.length - v.stillRed.length
  const checks = v.redChecks.length
    ? `${v.redChecks.length} not passed in AFTER (${[
        v.regressedChecks.length ? `${v.regressedChecks.length} regressed` : '',
        v.stillRed.length ? `${v.stillRed.length} still red` : '',
        newRed ? `${newRed} new` : '',
      ]
        .filter(Boolean)
        .join(', ')})`
    : `all ${c.checks.filter((x) => x.after).length} passed in AFTER${fixed ? ` (${fixed} fixed)` : ''}`
  const figures = [
    `${count('regressed')} past tolerance`,
    ...(['improved', 'within tolerance', 'shown', 'not compared'] as const).flatMap((r) =>
      count(r) ? [`${count(r)} ${r}`] : [],
    ),
  ].join(', ')
  return [
    `# Conformance comparison: ${v.passed ? '✅ no regression' : '❌ regression'}`,
    '',
    `${runLine('BEFORE', c.before)}  `,
    runLine('AFTER', c.after),
    '',
    `**Checks:** ${checks}. **Figures:** ${figures}.`,
  ].join('\n')
}

const CHANGE_TEXT: Record<Change, string> = {
  held: 'held',
  fixed: 'fixed',
  regressed: '**regressed**',
  'still red': '**still red**',
  new: 'new',
  dropped: 'not in AFTER',
}

const mark = (side: CheckSide | null) => (side ? STATUS_MARK[side.status] : '–')

/** The diagnosis a reader needs: AFTER's where it is red, BEFORE's where it was fixed. */
function diagnosis(x: CheckComparison): string {
  const { before, after } = x
  if (!after) return ''
  if (after.status !== 'passed') {
    if (x.change !== 'still red' || !before) return after.diagnosis
    return before.diagnosis === after.diagnosis
      ? `${after.diagnosis} (as before)`
      : `${after.diagnosis} (before: ${before.diagnosis})`
  }
  return x.change === 'fixed' && before ? `before: ${before.diagnosis}` : ''
}

function checksSection(c: Comparison): string {
  const rows = c.checks.map((x) => [
    `${x.title} (\`${x.id}\`)`,
    mark(x.before),
    mark(x.after),
    CHANGE_TEXT[x.change],
    diagnosis(x),
  ])
  return section('Checks', table(['Check', 'Before', 'After', 'Change', 'Diagnosis'], rows))
}

function value(unit: FigureUnit, v: number): string {
  if (unit === 'ratio') return `${v.toFixed(2)}×`
  if (unit === 'ms') return seconds(v)
  if (unit === 's') return `${v.toFixed(1)} s`
  return size(v)
}

function signed(unit: FigureUnit, v: number): string {
  const text = value(unit, Math.abs(v))
  if (text === value(unit, 0)) return `±${text}`
  return `${v < 0 ? '-' : '+'}${text}`
}

const RESULT_TEXT: Record<FigureComparison['result'], string> = {
  regressed: '🔴 **past tolerance**',
  'within tolerance': '✅ within',
  improved: '🟢 improved',
  shown: '',
  'not compared': 'not compared',
}

function figuresSection(c: Comparison, which: FigureSection, heading: string): string {
  const figures = c.figures.filter((f) => f.section === which)
  if (!figures.length) return ''
  const rows = figures.map((f) => [
    f.label,
    f.before === null ? '–' : value(f.unit, f.before),
    f.after === null ? '–' : value(f.unit, f.after),
    f.change === null ? '' : signed(f.unit, f.change),
    f.tolerance ? `+${value(f.unit, f.tolerance.value)}` : '',
    f.note ? `${RESULT_TEXT[f.result]}: ${f.note}` : RESULT_TEXT[f.result],
  ])
  const align = ['left', 'right', 'right', 'right', 'right', 'left'] as const
  return section(
    heading,
    table(['Figure', 'Before', 'After', 'Change', 'Tolerance', 'Result'], rows, [...align]),
  )
}

function faultsSection(c: Comparison): string {
  if (!c.faults.length) return ''
  const ok = (x: boolean | null) => (x === null ? '–' : x ? '✅ held' : '❌ failed')
  const rows = c.faults.map((f) => [`\`${f.id}\``, ok(f.before), ok(f.after), CHANGE_TEXT[f.change]])
  return section(
    'Fault catalog entries',
    'An entry holds when every check it must turn red went red, no control went red, and its own cause was diagnosed.',
    table(['Entry', 'Before', 'After', 'Change'], rows),
  )
}

function versionText(v: VersionSide | null): string {
  if (!v) return '–'
  if (v.ran === undefined) return `${v.pinned ?? ''} (pinned)`
  return v.pinned === undefined ? `ran ${v.ran}` : `${v.pinned} (ran ${v.ran})`
}

function versionsSection(c: Comparison): string {
  const rows = c.versions.map((v) => [
    v.component,
    versionText(v.before),
    versionText(v.after),
    v.changed ? '**changed**' : '',
  ])
  return section(
    'Versions',
    'The pin (what was asked for) and, in parentheses, what the component said its version is where it ran.',
    table(['Component', 'Before', 'After', ''], rows),
  )
}

function tolerancesSection(c: Comparison): string {
  const rows = TOLERANCE_KEYS.map((k) => [
    `\`${k}\``,
    c.tolerances[k],
    TOLERANCES[k].default,
    TOLERANCES[k].figure,
    TOLERANCES[k].why,
  ])
  return section(
    'Tolerances',
    'How far a figure may rise from BEFORE to AFTER (absolute, in its own unit) before it is a regression; exactly the tolerance passes, a drop never fails. Override with `--tolerance key=value,...`.',
    table(['Key', 'Used', 'Default', 'Figure', 'Why the default'], rows),
  )
}
