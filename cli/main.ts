// d7y-conformance: the suite's tools on the command line. Commands print JSON (or the artifact text)
// on stdout; any error is one line on stderr and a non-zero exit code (see errors.ts).
import { Command, CommanderError } from 'commander'
import { cleanCommand } from './commands/clean.ts'
import { compareCommand } from './commands/compare.ts'
import { configCommand } from './commands/config.ts'
import { estargzCommand } from './commands/estargz/index.ts'
import { evidenceCommand } from './commands/evidence/index.ts'
import { faultsCommand } from './commands/faults.ts'
import { mergeCommand } from './commands/merge.ts'
import { planCommand } from './commands/plan.ts'
import { renderCommand } from './commands/render.ts'
import { describeError, EXIT } from './errors.ts'

export function program(): Command {
  const root = new Command('d7y-conformance')
    .description('Dragonfly + stargz snapshotter conformance: validators, evidence parsers, artifacts')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 negative verdict, 2 bad invocation or input, 3 unexpected failure.',
    )
    .addCommand(estargzCommand())
    .addCommand(evidenceCommand())
    .addCommand(renderCommand())
    .addCommand(planCommand())
    .addCommand(configCommand())
    .addCommand(mergeCommand())
    .addCommand(compareCommand())
    .addCommand(faultsCommand())
    .addCommand(cleanCommand())
  // Commander prints its own usage errors; throw instead of exiting so main() sets the code.
  const configure = (c: Command): void => {
    c.exitOverride()
    c.commands.forEach(configure)
  }
  configure(root)
  return root
}

/** Runs the CLI on `argv` (process.argv layout) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    process.exitCode = EXIT.ok
    await program().parseAsync(argv)
    return Number(process.exitCode ?? EXIT.ok)
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    const { exitCode, message } = describeError(error)
    process.stderr.write(`d7y-conformance: ${message}\n`)
    return exitCode
  }
}
