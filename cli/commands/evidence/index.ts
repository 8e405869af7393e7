// evidence: parsers for captured logs, turned into facts as JSON.
import { Command } from 'commander'
import { dfdaemonCommand } from './dfdaemon.ts'
import { originCommand } from './origin.ts'
import { stargzCommand } from './stargz.ts'

export function evidenceCommand(): Command {
  return new Command('evidence')
    .description('facts from captured logs: stargz journal, registry access log, dfdaemon log')
    .addCommand(stargzCommand())
    .addCommand(originCommand())
    .addCommand(dfdaemonCommand())
}
