// Dragonfly's pods' restarts as kubelet counts them, one record per pod (its uid stays across its
// own container restarts; a pod the suite replaced is a new record).
import type { V1Pod } from '@kubernetes/client-node'
import { SAYS_ERROR, type RestartRecord } from '../checks/restarts.ts'
import { CHART_COMPONENTS } from '../render/index.ts'
import { podReady } from './readiness.ts'

const JUDGED = new Set<string>(Object.values(CHART_COMPONENTS))

export function podRestartRecords(pods: V1Pod[]): RestartRecord[] {
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp && JUDGED.has(p.metadata?.labels?.component ?? ''))
    .map((p) => {
      const statuses = p.status?.containerStatuses ?? []
      const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0)
      const ended = statuses.map((c) => ({ c, t: c.lastState?.terminated })).find((x) => x.t)
      return {
        component: p.metadata!.labels!.component!,
        where: `${p.metadata?.name} on ${p.spec?.nodeName ?? '(unscheduled)'}`,
        key: p.metadata?.uid ?? p.metadata?.name ?? '',
        restarts,
        ready: podReady(p),
        ...(ended
          ? {
              last: `container ${ended.c.name} exited ${ended.t!.exitCode}${ended.t!.reason ? ` (${ended.t!.reason})` : ''} at ${ended.t!.finishedAt ? new Date(ended.t!.finishedAt).toISOString() : '?'}`,
            }
          : {}),
      }
    })
}

/** The last line of a previous container's log that says what went wrong (ANSI colours removed). */
export function lastErrorLine(log: string): string | undefined {
  const lines = log
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => SAYS_ERROR.test(l))
  return lines.at(-1)
}
