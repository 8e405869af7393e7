// Labels the dragonfly chart puts on its pod templates. Verified in dragonflyoss/helm-charts
// charts/dragonfly/templates/{client/client-daemonset,seed-client/seed-client-statefulset,
// scheduler/scheduler-statefulset}.yaml and templates/_helpers.tpl ("dragonfly.fullname"):
// pods carry only `app: <fullname>` and `component: <name>`; the `release` label left the pod
// templates in chart 1.4.3 (it is still on the controllers and ConfigMaps), so a selector with
// `release:` matches no pod.

export const CHART_NAME = 'dragonfly'

export interface ChartNaming {
  release: string
  nameOverride?: string
  fullnameOverride?: string
}

/** The chart's "dragonfly.fullname" helper, truncation included. */
export function chartFullname({ release, nameOverride, fullnameOverride }: ChartNaming): string {
  const trim = (s: string): string => s.slice(0, 63).replace(/-+$/, '')
  if (fullnameOverride) return trim(fullnameOverride)
  const name = nameOverride || CHART_NAME
  return trim(release.includes(name) ? release : `${release}-${name}`)
}

/** The labels on the pods of a chart component (`client`, `seed-client`, `scheduler`, `manager`). */
export function chartPodLabels(naming: ChartNaming, component: string): { app: string; component: string } {
  return { app: chartFullname(naming), component }
}

/** `kubectl -l` form of the same labels. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}
