// evidence stargz <journal-file>: layers the stargz snapshotter prepared as remote snapshots, and the
// ones it failed (after which containerd silently pulled them in full).
import { Command } from 'commander'
import { inputFile, printJson } from '../../io.ts'

export function stargzCommand(): Command {
  return new Command('stargz')
    .description('count remote snapshots prepared and failed in a stargz snapshotter journal')
    .argument('<journal-file>', 'journalctl output of the snapshotter (any -o format) or its bare JSON log')
    .action(async (file: string) => {
      const { lines, parseStargzJournal } = await import('../../../helpers/evidence/index.ts')
      const summary = await parseStargzJournal(lines(await inputFile(file, 'journal')))
      printJson({
        prepared: summary.prepared,
        failed: summary.failed,
        failures: summary.snapshots
          .filter((s) => s.outcome === 'failed')
          // The layer digest when an earlier line named it, else the snapshot's chain id or key.
          .map((s) => ({ layer: s.layerDigest ?? s.chainId ?? s.key, error: s.error ?? '' })),
      })
    })
}
