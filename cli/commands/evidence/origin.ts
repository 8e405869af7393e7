// evidence origin <registry-log> --manifest m.json: what the origin registry served per blob of the
// image, against the blob's size (amplification 1: the blob left the origin once).
import { readFile } from 'node:fs/promises'
import { Command } from 'commander'
import { CliError } from '../../errors.ts'
import { inputFile, printJson } from '../../io.ts'

export function originCommand(): Command {
  return new Command('origin')
    .description("bytes the origin registry served per blob of an image, from the registry's access log")
    .argument('<registry-log-file>', '`docker logs` of the distribution registry (JSON response lines)')
    .requiredOption('--manifest <manifest.json>', 'the image manifest: its config and layers are the rows')
    .action(async (file: string, options: { manifest: string }) => {
      const { accountOrigin, lines, parseManifest, registryRequests } =
        await import('../../../helpers/evidence/index.ts')
      await inputFile(file, 'registry log')
      const text = await readFile(await inputFile(options.manifest, 'manifest'), 'utf8')
      let manifest
      try {
        manifest = parseManifest(text)
      } catch (error) {
        throw new CliError(`manifest ${options.manifest}: ${(error as Error).message}`)
      }
      const report = await accountOrigin(registryRequests(lines(file)), manifest)
      printJson({
        blobs: report.rows.map((r) => ({
          digest: r.digest,
          size: r.size,
          clients: r.clients,
          requests: r.requests,
          bytesServed: r.bytesServed,
          amplification: r.amplification,
        })),
      })
    })
}
