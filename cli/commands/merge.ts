// merge <summary.json>... [--json]: one compatibility table (chart × Dragonfly × snapshotter → pass /
// fail per check) from the summaries of a CI matrix.
import { Command } from 'commander'
import { compatibilityMarkdown, mergeSummaries } from '../../helpers/report/merge.ts'
import { printJson, printText, readSummary } from '../io.ts'

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the summary.json files of a CI matrix into one compatibility table (Markdown)')
    .argument(
      '<summary.json...>',
      'summary.json files or CI artifact folders holding one, one per run (runs of the same versions are folded)',
    )
    .option('--json', 'print the table as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 table printed (whatever the verdicts), 2 a file is missing or not a summary.',
    )
    .action(async (files: string[], options: { json?: boolean }) => {
      const inputs = []
      for (const file of files) inputs.push(await readSummary(file))
      const merged = mergeSummaries(inputs)
      if (options.json) printJson(merged)
      else printText(compatibilityMarkdown(merged))
    })
}
