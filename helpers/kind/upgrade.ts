// An upgrade in place on the kind profile, the way a chart user does it: the snapshotter as on any
// systemd node (binary + restart, helpers/upgrade/stargz-step.ts); Dragonfly's components by
// `helm upgrade --reuse-values` with the new image tag, the new image loaded into the nodes first,
// then the rollout awaited through the API (the DaemonSet's rolling update, the seed peer's
// StatefulSet, the scheduler's and manager's Deployments).
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../run/config.ts'
import { copyTo, exec, type Node } from '../profiles/node.ts'
import {
  CHART_COMPONENTS,
  DRAGONFLY_NAMESPACE,
  DRAGONFLY_RELEASE,
  chartPodLabels,
  helmValues,
  labelSelector,
} from '../render/index.ts'
import { loudNote } from '../run/state.ts'
import { upgradeStargz } from '../upgrade/stargz-step.ts'
import type { UpgradeComponent } from '../upgrade/version-set.ts'
import { helm, kube } from './commands.ts'
import { awaitDragonflyWorkloads, imageName, runHelm, saveImages, type Flow } from './flow.ts'
import { initContainerImagePin } from './images.ts'
import type { StepIO } from './step-io.ts'
import { supplyWorkloadImages } from './workload-images-build.ts'

/** The chart's image keys a component's tag lives under (the seed peer runs the client's image). */
export function chartImageKeys(component: 'dfdaemon' | 'scheduler' | 'manager'): string[] {
  if (component === 'dfdaemon') return ['client.image.tag', 'seedClient.image.tag']
  return [`${component}.image.tag`]
}

export async function upgradeKind(
  io: StepIO,
  f: Flow,
  nodes: Node[],
  component: UpgradeComponent,
  version: string,
  /** the version running now (a step to the same version restarts in place) */
  running: string,
  stargzBinary: (version: string) => Promise<string>,
): Promise<void> {
  const { config, ctx } = f
  const awaitRollout = () =>
    awaitDragonflyWorkloads(
      io,
      f,
      `every workload in ${DRAGONFLY_NAMESPACE} rolled out to ${component} ${version} and ready`,
    )
  if (component === 'chart')
    throw new Error(
      'the chart step is not built: only one chart version (the pinned one, or D7Y_CHART_PATH) is at hand',
    )
  if (component === 'stargz') {
    const workers = nodes.filter((n) => n.role === 'worker')
    return upgradeStargz(config, workers, await stargzBinary(version), version, io.log)
  }
  if (version === running) {
    // The same version: nothing for helm to change, so the pods are restarted in place, as an
    // operator does (`kubectl rollout restart`), and the rollout awaited like an upgrade's.
    const restarted = {
      dfdaemon: [CHART_COMPONENTS.client, CHART_COMPONENTS.seedClient],
      scheduler: [CHART_COMPONENTS.scheduler],
      manager: [CHART_COMPONENTS.manager],
    }[component]
    for (const c of restarted)
      await io.run(
        kube.rolloutRestart(
          ctx,
          'daemonset,statefulset,deployment',
          labelSelector(chartPodLabels({ release: DRAGONFLY_RELEASE }, c)),
        ),
      )
    await awaitRollout()
    return
  }
  const next: Config = { ...config, toolVersions: { ...config.toolVersions, [component]: version } }
  const values = helmValues(next)
  const image = {
    dfdaemon: values.client.image,
    scheduler: values.scheduler.image,
    manager: values.manager.image,
  }[component]
  const ref = imageName(image)
  const supplied = await io.task(
    `image ${ref}: the published one when present or pullable, else the suite's build (OFFLINE, said in the output)`,
    () =>
      supplyWorkloadImages(
        {
          manager: imageName(values.manager.image),
          scheduler: imageName(values.scheduler.image),
          client: imageName(values.client.image),
          init: initContainerImagePin(next),
        },
        next,
        path.join(config.cacheDir, 'rootfs'),
        io.log,
      ),
    { images: [], services: '' },
  )
  const source = supplied.images.find((i) => i.ref === ref)?.source
  io.log(`image ${ref}: ${source ?? 'unknown'}`)
  if (source?.startsWith('built here') || source === 'pulled, a local build')
    loudNote(`the upgrade's ${component} image is the suite's build, not the published one: ${ref}`)
  const archive = path.join(ctx.layout.dir, `upgrade-${component}-images.tar`)
  await saveImages(io, archive, [ref])
  // Not `kind load`: it imports with the node's CRI snapshotter, and on a worker that is stargz now,
  // which ctr refuses (containerd v2.2, measured: "unable to initialize unpacker: no unpack platforms
  // defined"). The image goes in unpacked by no snapshotter; the CRI unpacks it into its own when the
  // Pod's container is created.
  for (const node of nodes)
    await io.task(
      `${node.name}: ctr -n k8s.io images import --no-unpack --digests ${path.basename(archive)}`,
      async () => {
        const inNode = `/tmp/${path.basename(archive)}`
        await copyTo(node, archive, inNode)
        await exec(node, [
          'ctr',
          '--namespace=k8s.io',
          'images',
          'import',
          '--no-unpack',
          '--digests',
          inNode,
        ])
        await exec(node, ['rm', '-f', inNode])
      },
      undefined,
    )
  await io.task(`rm ${archive}`, () => rm(archive, { force: true }), undefined)
  const sets = Object.fromEntries(chartImageKeys(component).map((k) => [k, image.tag]))
  await runHelm(io, helm.upgradeSet(ctx, sets))
  await awaitRollout()
}
