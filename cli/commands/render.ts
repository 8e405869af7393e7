// render <artifact> | render --list: the hand-written files of the integration guide, generated from
// the resolved configuration (D7Y_* variables).
import { Command } from 'commander'
import { CliError } from '../errors.ts'
import { printJson, printText } from '../io.ts'

export function renderCommand(): Command {
  return new Command('render')
    .description(
      'print an artifact (kind config, Helm values, stargz config, ...) for the current configuration',
    )
    .argument('[artifact]', 'artifact name (see --list)')
    .option('--list', 'print the artifact names as JSON')
    .action(async (artifact: string | undefined, options: { list?: boolean }) => {
      const { ARTIFACTS, isArtifactName, renderers } = await import('../../helpers/render/index.ts')
      if (options.list) {
        printJson(ARTIFACTS)
        return
      }
      if (artifact === undefined) throw new CliError(`name an artifact: ${ARTIFACTS.join(', ')}`)
      if (!isArtifactName(artifact)) {
        throw new CliError(
          `unknown artifact ${JSON.stringify(artifact)}; valid names: ${ARTIFACTS.join(', ')}`,
        )
      }
      printText(renderers[artifact]())
    })
}
