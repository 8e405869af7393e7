// compare BEFORE AFTER [--tolerance key=value,...] [--json] [--out DIR]: two runs side by side (every
// check, figure and version), regressions flagged against documented tolerances. merge folds a CI
// matrix into one table and judges nothing; compare judges AFTER against BEFORE.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import {
  compareSummaries,
  DEFAULT_TOLERANCES,
  parseTolerances,
  TOLERANCE_KEYS,
  TOLERANCES,
  ToleranceError,
  verdictLine,
  type Tolerances,
} from '../../helpers/report/compare.ts'
import { compareMarkdown } from '../../helpers/report/compare-markdown.ts'
import { EXIT } from '../errors.ts'
import { printJson, printReason, printText, readSummary } from '../io.ts'

/** Each --tolerance applies over the ones before it (and the defaults). */
function tolerance(value: string, previous: Tolerances): Tolerances {
  try {
    return parseTolerances(value, previous)
  } catch (error) {
    if (error instanceof ToleranceError) throw new InvalidArgumentError(error.message)
    throw error
  }
}

function toleranceHelp(): string {
  const width = Math.max(...TOLERANCE_KEYS.map((k) => k.length))
  return [
    '',
    'Tolerances: how far a figure may rise from BEFORE to AFTER (absolute, in its own unit) before it is a',
    'regression. Exactly the tolerance passes; a drop never fails. Defaults:',
    ...TOLERANCE_KEYS.map(
      (k) =>
        `  ${k.padEnd(width)}  ${String(TOLERANCES[k].default).padEnd(4)}  ${TOLERANCES[k].figure}\n` +
        `  ${''.padEnd(width)}        ${TOLERANCES[k].why}`,
    ),
    "Shown, never flagged: the negative control, bytes fetched twice, benchmark medians and origin bytes, the daemons' CPU time.",
    '',
    'Exit codes:',
    '  0  every check passed in AFTER and no figure rose past its tolerance',
    '  1  a check in AFTER did not pass (regressed, still red or new), or a figure rose past its tolerance',
    '  2  bad input: a missing file, a folder without summary.json, not a summary, an unknown tolerance',
  ].join('\n')
}

export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'compare two runs side by side (checks, amplification, cold start, versions); flag regressions',
    )
    .argument('<before>', 'summary.json of the run before, or a CI artifact folder holding one')
    .argument('<after>', 'summary.json of the run after, or a CI artifact folder holding one')
    .addOption(
      new Option(
        '--tolerance <key=value,...>',
        `override tolerances (repeatable; keys: ${TOLERANCE_KEYS.join(', ')})`,
      )
        .argParser(tolerance)
        .default(DEFAULT_TOLERANCES, 'the defaults below'),
    )
    .option('--json', 'print the comparison as JSON instead of Markdown')
    .option('--out <dir>', 'also write compare.md and compare.json into DIR')
    .addHelpText('after', toleranceHelp())
    .action(
      async (
        before: string,
        after: string,
        options: { tolerance: Tolerances; json?: boolean; out?: string },
      ) => {
        const result = compareSummaries(
          await readSummary(before),
          await readSummary(after),
          options.tolerance,
        )
        const markdown = compareMarkdown(result)
        if (options.out) {
          await mkdir(options.out, { recursive: true })
          await writeFile(path.join(options.out, 'compare.md'), markdown)
          await writeFile(path.join(options.out, 'compare.json'), `${JSON.stringify(result, null, 2)}\n`)
        }
        if (options.json) printJson(result)
        else printText(markdown)
        if (!result.verdict.passed) {
          printReason(`compare: ${verdictLine(result)}`)
          process.exitCode = EXIT.negative
        }
      },
    )
}
