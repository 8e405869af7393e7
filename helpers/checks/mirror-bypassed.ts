// A pull whose mirror is bypassed never gives dfdaemon a task to finish, so waiting for its tasks
// would only run out the step's time. The origin's log shows it first: a node got a large layer's
// bytes directly while its dfdaemon has seen no request for that layer. (A node whose dfdaemon has
// the task and still got bytes from the origin is no bypass: dfdaemon's own small-range reads.)
import type { DfdaemonLogSummary } from '../evidence/dfdaemon-log.ts'
import type { OriginReport } from '../evidence/origin-accounting.ts'
import type { Layer } from './node-evidence.ts'

/** Why the pull's dfdaemon tasks can never come (each node and layer), or undefined to keep waiting. */
export function mirrorBypassed(
  workers: { name: string; ip: string; dfdaemon: Pick<DfdaemonLogSummary, 'tasks'> }[],
  large: Layer[],
  origin: OriginReport | undefined,
): string | undefined {
  if (!origin) return undefined
  const found: string[] = []
  for (const w of workers)
    for (const l of large) {
      const direct = origin.rows.find((r) => r.digest === l.digest)?.byClient[w.ip]?.contentBytes ?? 0
      if (!w.dfdaemon.tasks[l.taskId] && direct > 0)
        found.push(
          `the origin sent ${w.name} ${direct} bytes of ${l.digest.slice(0, 19)} directly and its dfdaemon has seen no request for it`,
        )
    }
  return found.length ? found.join('; ') : undefined
}
