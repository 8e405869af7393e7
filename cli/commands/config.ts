// config: the resolved configuration and every D7Y_* variable that can change it.
import { Command } from 'commander'
import { configVariables, loadConfig } from '../../helpers/run/config.ts'
import { printJson } from '../io.ts'

export function configCommand(): Command {
  return new Command('config')
    .description('print the resolved configuration and the D7Y_* environment variables (JSON)')
    .addHelpText('after', () => `\nEnvironment variables:\n${variablesTable()}`)
    .addHelpText('after', '\nExit codes: 0 ok, 2 a D7Y_* setting is invalid (one line naming it).')
    .action(() => {
      const config = loadConfig()
      printJson({
        config,
        variables: configVariables().map((v) => ({ ...v, value: process.env[v.env] ?? null })),
      })
    })
}

function variablesTable(): string {
  const rows = configVariables()
  const width = Math.max(...rows.map((r) => r.env.length))
  return rows.map((r) => `  ${r.env.padEnd(width)}  ${r.accepts} (default: ${r.default})`).join('\n')
}
