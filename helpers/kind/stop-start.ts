// A Dragonfly component stopped and started on kind the way an operator does it through the API
// (the fault catalog's dfdaemon-stopped, scheduler-stopped and seed-stopped): the scheduler's and the
// seed peer's StatefulSets scaled to zero and back; one worker's client, a DaemonSet pod that its
// controller would put back at once, kept off its node by a NoSchedule taint (the chart's clients
// tolerate none) and deleted, then let back by taking the taint off.
import type { ComponentStatus } from '../profiles/profile.ts'
import {
  CHART_COMPONENTS,
  DRAGONFLY_NAMESPACE,
  DRAGONFLY_RELEASE,
  chartPodLabels,
  labelSelector,
} from '../render/index.ts'
import type { DragonflyValues } from '../render/helm-values.ts'
import { kube, type NodeTaint } from './commands.ts'
import { awaitDragonflyWorkloads, type Flow } from './flow.ts'
import { waitForNoPods } from './k8s.ts'
import type { StepIO } from './step-io.ts'

/** the taint that keeps the stopped client's DaemonSet pod off its node */
export const CLIENT_STOPPED_TAINT: NodeTaint = {
  key: 'd7y-conformance/dfdaemon-stopped',
  value: 'true',
  effect: 'NoSchedule',
}

const selectorOf = (c: string) => labelSelector(chartPodLabels({ release: DRAGONFLY_RELEASE }, c))

/** the chart component (its pods' label) of a component the suite stops */
function chartComponent(component: ComponentStatus['component']): string {
  return {
    scheduler: CHART_COMPONENTS.scheduler,
    'seed-peer': CHART_COMPONENTS.seedClient,
    client: CHART_COMPONENTS.client,
  }[component]
}

export async function stopKind(
  io: StepIO,
  f: Flow,
  component: ComponentStatus['component'],
  node: string,
): Promise<void> {
  const selector = selectorOf(chartComponent(component))
  if (component === 'client') {
    await io.run(kube.taint(f.ctx, node, CLIENT_STOPPED_TAINT), {
      why: 'its DaemonSet then leaves it without a client',
    })
    await io.run(kube.deletePodsOn(f.ctx, selector, node))
  } else {
    await io.run(kube.scale(f.ctx, selector, 0))
  }
  await io.wait(
    `no ${chartComponent(component)} pod${component === 'client' ? ` on ${node}` : ''} left (API, polled)`,
    () =>
      waitForNoPods(
        f.kube(),
        DRAGONFLY_NAMESPACE,
        selector,
        f.config.stepTimeoutMinutes * 60_000,
        component === 'client' ? node : undefined,
      ),
    undefined,
  )
}

export async function startKind(
  io: StepIO,
  f: Flow,
  component: ComponentStatus['component'],
  node: string,
  values: DragonflyValues,
): Promise<void> {
  const selector = selectorOf(chartComponent(component))
  if (component === 'client') await io.run(kube.taint(f.ctx, node, CLIENT_STOPPED_TAINT, { remove: true }))
  else
    await io.run(
      kube.scale(
        f.ctx,
        selector,
        component === 'scheduler' ? values.scheduler.replicas : values.seedClient.replicas,
      ),
    )
  await awaitDragonflyWorkloads(
    io,
    f,
    `${component} started again: every workload in ${DRAGONFLY_NAMESPACE} rolled out and ready`,
  )
  if (component !== 'scheduler') return
  // A new scheduler pod knows no host, and the peers find it only on their next refresh from the
  // manager (minutes: the upgrade gate's scheduler step waited ~5 min for it). Restarted in the
  // deploy order, they announce themselves at once, as the local profile's restore does.
  for (const c of [CHART_COMPONENTS.seedClient, CHART_COMPONENTS.client])
    await io.run(kube.rolloutRestart(f.ctx, 'daemonset,statefulset', selectorOf(c)), {
      why: 'the peers announce themselves to the new scheduler',
    })
  await awaitDragonflyWorkloads(
    io,
    f,
    `the seed peer and the clients restarted: every workload in ${DRAGONFLY_NAMESPACE} rolled out and ready`,
  )
}
