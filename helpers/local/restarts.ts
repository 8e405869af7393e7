// The local daemons' restarts as systemd counts them (Restart=always: NRestarts), one record per unit
// and node. A restart the suite makes (systemctl restart) flushes the count, so it never shows here.
import type { RestartRecord } from '../checks/restarts.ts'
import { journal, type Node } from '../node.ts'
import type { ComponentStatus } from '../profile.ts'
import { UNITS, crashLoopMessage, restartCount } from './dragonfly.ts'

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
      // why: its own error lines in the journal
      const last = crashLoopMessage(unit, restarts, await journal(node, unit).catch(() => ''), unit)
      return { ...record, last: last.replace(/^.*?\): /, '') }
    }),
  )
}
