// The local daemons' restarts as systemd counts them (Restart=always: NRestarts), one record per unit
// and node. A restart the suite makes (systemctl restart) flushes the count, so it never shows here.
import { SAYS_ERROR, type RestartRecord } from '../checks/restarts.ts'
import { journal, type Node } from '../profiles/node.ts'
import type { ComponentStatus } from '../profiles/profile.ts'
import { textLines } from '../evidence/lines.ts'
import { UNITS, restartCount } from './dragonfly.ts'

/**
 * How the unit's last run ended, from its journal: systemd's own line ("Main process exited,
 * code=killed, status=9/KILL") and the daemon's last error line before it (debug lines left out).
 */
export function lastExit(journalText: string): string | undefined {
  const lines = textLines(journalText)
  const exitAt = lines.map((l) => /systemd\[\d+\]: .*Main process exited/.test(l)).lastIndexOf(true)
  if (exitAt < 0) return undefined
  const exited = lines[exitAt]!.replace(/^.*?systemd\[\d+\]: /, '')
  const error = lines
    .slice(0, exitAt)
    .filter((l) => !/systemd\[\d+\]/.test(l) && SAYS_ERROR.test(l))
    .at(-1)
  return error ? `${exited}; before it: ${error.replace(/^.*?\S+\[\d+\]: /, '').trim()}` : exited
}

export async function unitRestartRecords(
  nodes: Node[],
  statuses: ComponentStatus[],
): Promise<RestartRecord[]> {
  const cp = nodes.find((n) => n.role === 'control-plane')!
  const units: { component: ComponentStatus['component']; node: Node; unit: string }[] = [
    { component: 'scheduler', node: cp, unit: UNITS.scheduler },
    { component: 'seed-peer', node: cp, unit: UNITS.seed },
    ...nodes
      .filter((n) => n.role === 'worker')
      .map((node) => ({ component: 'client' as const, node, unit: UNITS.client })),
  ]
  return Promise.all(
    units.map(async ({ component, node, unit }) => {
      const restarts = await restartCount(node, unit)
      const ready = statuses.some((s) => s.component === component && s.where === node.name && s.ok)
      const record: RestartRecord = {
        component,
        where: `${unit} on ${node.name}`,
        key: `${node.name}/${unit}`,
        restarts,
        ready,
      }
      if (restarts === 0) return record
      return { ...record, last: lastExit(await journal(node, unit).catch(() => '')) }
    }),
  )
}
