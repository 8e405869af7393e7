// estargz: the eStargz layer commands.
import { Command } from 'commander'
import { verifyCommand } from './verify.ts'

export function estargzCommand(): Command {
  return new Command('estargz').description('eStargz layer blobs').addCommand(verifyCommand())
}
