// faults: the fault catalog, what each entry simulates, the incident it comes from, and what it
// must turn red. Running it is `npm run conformance:faults` (it needs a cluster).
import { Command } from 'commander'
import { FAULTS } from '../../helpers/faults/catalog.ts'
import { CAUSES } from '../../helpers/faults/checks-and-causes.ts'
import { printJson, printText } from '../io.ts'

export function faultsCommand(): Command {
  return new Command('faults')
    .description('the fault catalog: what each entry injects, where it comes from, what must go red')
    .option('--list', 'print the catalog as text (the default)')
    .option('--json', 'print the catalog as JSON')
    .addHelpText(
      'after',
      '\nRun it: npm run conformance:faults (all), or D7Y_FAULTS=<id,id> npm run conformance:faults.',
    )
    .action((opts: { json?: boolean }) => {
      const entries = FAULTS.map((f) => ({
        id: f.id,
        title: f.title,
        simulates: f.simulates,
        incident: f.incident,
        expectRed: f.expectRed,
        cause: f.cause,
        causeMeans: CAUSES[f.cause],
        control: !!f.control,
        profiles: f.profiles,
      }))
      if (opts.json) return printJson(entries)
      printText(
        entries
          .map(
            (e) =>
              `${e.id}${e.control ? ' (control: must stay green)' : ''}\n  ${e.title}\n  injects:  ${e.simulates}\n  from:     ${e.incident}\n  red:      ${e.expectRed.join(', ') || 'none'}\n  cause:    ${e.cause} (${e.causeMeans})\n  runs on:  ${Object.entries(
                e.profiles,
              )
                .map(([p, v]) => (v === true ? p : `not ${p}: ${v}`))
                .join('; ')}`,
          )
          .join('\n\n'),
      )
    })
}
