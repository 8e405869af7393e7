// evidence dfdaemon <log-file> [--task id...]: per-task facts from a dfdaemon log (started, succeeded,
// back-to-source, pieces from remote peers).
import { Command } from 'commander'
import { EXIT } from '../../errors.ts'
import { inputFile, printJson, printReason } from '../../io.ts'

export function dfdaemonCommand(): Command {
  return new Command('dfdaemon')
    .description('per-task summary of a dfdaemon log (file or `kubectl logs -c client` output)')
    .argument('<log-file>', 'dfdaemon log, tracing compact or pretty layout')
    .option(
      '--task <id...>',
      'only these task ids (a blob digest, with or without sha256:, is the task id of digest-based tasks)',
    )
    .addHelpText('after', '\nExit codes: 0 done, 1 a --task is absent from the log, 2 bad input.')
    .action(async (file: string, options: { task?: string[] }) => {
      const { lines, summarizeDfdaemonLog, usedRemotePeers, wentBackToSource } =
        await import('../../../helpers/evidence/index.ts')
      const taskIds = options.task?.map((id) => id.replace(/^sha256:/, ''))
      const summary = await summarizeDfdaemonLog(lines(await inputFile(file, 'dfdaemon log')), { taskIds })
      const tasks = Object.fromEntries(
        Object.entries(summary.tasks).map(([id, t]) => [
          id,
          { ...t, wentBackToSource: wentBackToSource(t), usedRemotePeers: usedRemotePeers(t) },
        ]),
      )
      const missing = (taskIds ?? []).filter((id) => summary.tasks[id] === undefined)
      printJson({ ...summary, tasks, ...(missing.length > 0 && { missing }) })
      if (missing.length > 0) {
        printReason(`task${missing.length > 1 ? 's' : ''} not in the log: ${missing.join(', ')}`)
        process.exitCode = EXIT.negative
      }
    })
}
