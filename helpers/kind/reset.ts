// Cold Dragonfly caches on kind. Where a dfdaemon keeps its storage depends on the chart version and
// values: inside the container (current client DaemonSets: nothing mounted there), an emptyDir, a
// hostPath, or a PersistentVolumeClaim (the seed-client StatefulSet's volumeClaimTemplates when
// seedClient.persistence.enable, the chart default). A new pod clears the first two; the last two
// outlive pods, so the workload is paused (no pods), the storage deleted, and the workload resumed.
// The decision is pure (resetActions); resetWorkload carries it out.
import type { V1DaemonSet, V1PodSpec, V1StatefulSet } from '@kubernetes/client-node'
import { run } from '../base/exec.ts'
import type { Node } from '../profiles/node.ts'
import { DRAGONFLY_NAMESPACE, labelSelector } from '../render/index.ts'
import { kubectl, nodeExecCommand, type Command, type KindContext, type NodeTarget } from './commands.ts'
import { listPods, waitForNoPods, waitForReplacedPods, type Kube } from './k8s.ts'

/** dfdaemon's storage and cache directories (dragonfly-client defaults, also the chart's storage.dir). */
export const DFDAEMON_STORAGE_DIRS: readonly string[] = ['/var/lib/dragonfly', '/var/cache/dragonfly']

/** Node selector label that matches no node: a DaemonSet carrying it has no pods. */
export const PAUSE_LABEL = 'd7y-conformance/paused'

export type Storage =
  | { dir: string; kind: 'container' | 'emptyDir' }
  | { dir: string; kind: 'hostPath'; path: string }
  | { dir: string; kind: 'pvc'; template: string }
  | { dir: string; kind: 'other'; volume: string }

function under(dir: string, mountPath: string): string | undefined {
  const m = mountPath.replace(/\/+$/, '')
  if (dir === m) return ''
  return dir.startsWith(`${m}/`) ? dir.slice(m.length) : undefined
}

/** What holds `dir` in the container `container` of a pod spec. */
export function storageOf(
  spec: V1PodSpec,
  container: string,
  dir: string,
  claimTemplates: string[],
): Storage {
  const c = spec.containers.find((x) => x.name === container) ?? spec.containers[0]
  const mounts = (c?.volumeMounts ?? [])
    .map((m) => ({ m, rest: under(dir, m.mountPath) }))
    .filter((x): x is { m: (typeof x)['m']; rest: string } => x.rest !== undefined)
    .sort((a, b) => a.rest.length - b.rest.length)
  const hit = mounts[0]
  if (!hit) return { dir, kind: 'container' }
  const volume = (spec.volumes ?? []).find((v) => v.name === hit.m.name)
  const sub = `${hit.m.subPath ? `/${hit.m.subPath}` : ''}${hit.rest}`
  if (volume?.hostPath)
    return { dir, kind: 'hostPath', path: `${volume.hostPath.path.replace(/\/+$/, '')}${sub}` }
  if (volume?.emptyDir) return { dir, kind: 'emptyDir' }
  if (!volume && claimTemplates.includes(hit.m.name)) return { dir, kind: 'pvc', template: hit.m.name }
  return { dir, kind: 'other', volume: hit.m.name }
}

export interface ResetTarget {
  kind: 'DaemonSet' | 'StatefulSet'
  name: string
  /** the pods' label selector */
  selector: string
  /** pods expected back (DaemonSet: desired number scheduled) */
  replicas: number
  container: string
  podSpec: V1PodSpec
  claimTemplates: string[]
}

export interface ResetActions {
  /** 'restart': new pods are enough; 'pause': stop every pod, delete storage, start again */
  mode: 'restart' | 'pause'
  /** directories to empty inside the nodes that ran the pods */
  hostPaths: string[]
  /** PersistentVolumeClaims to delete while the StatefulSet has no pods */
  pvcs: string[]
  /** storage that cannot be reset (a shared volume): said, not touched */
  untouched: string[]
}

export function resetActions(
  target: ResetTarget,
  dirs: readonly string[] = DFDAEMON_STORAGE_DIRS,
): ResetActions {
  const storage = dirs.map((d) => storageOf(target.podSpec, target.container, d, target.claimTemplates))
  const hostPaths = [...new Set(storage.flatMap((s) => (s.kind === 'hostPath' ? [s.path] : [])))]
  const templates = [...new Set(storage.flatMap((s) => (s.kind === 'pvc' ? [s.template] : [])))]
  const pvcs =
    target.kind === 'StatefulSet'
      ? templates.flatMap((t) =>
          Array.from({ length: target.replicas }, (_, i) => `${t}-${target.name}-${i}`),
        )
      : []
  const untouched = storage.flatMap((s) => (s.kind === 'other' ? [`${s.dir} (volume ${s.volume})`] : []))
  return { mode: hostPaths.length || pvcs.length ? 'pause' : 'restart', hostPaths, pvcs, untouched }
}

// ---- commands (pure) ----------------------------------------------------------------------------

const ns = ['--namespace', DRAGONFLY_NAMESPACE]

export const resetCommands = {
  deletePods: (ctx: KindContext, selector: string): Command =>
    kubectl(ctx, ['delete', 'pods', ...ns, '-l', selector, '--wait=false']),
  pauseDaemonSet: (ctx: KindContext, name: string): Command =>
    kubectl(ctx, [
      'patch',
      'daemonset',
      name,
      ...ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { template: { spec: { nodeSelector: { [PAUSE_LABEL]: 'true' } } } } }),
    ]),
  resumeDaemonSet: (ctx: KindContext, name: string): Command =>
    kubectl(ctx, [
      'patch',
      'daemonset',
      name,
      ...ns,
      '--type',
      'json',
      '-p',
      JSON.stringify([
        { op: 'remove', path: `/spec/template/spec/nodeSelector/${PAUSE_LABEL.replace('/', '~1')}` },
      ]),
    ]),
  scaleStatefulSet: (ctx: KindContext, name: string, replicas: number): Command =>
    kubectl(ctx, ['scale', 'statefulset', name, ...ns, `--replicas=${replicas}`]),
  deletePvcs: (ctx: KindContext, names: string[]): Command =>
    kubectl(ctx, ['delete', 'pvc', ...ns, '--ignore-not-found', ...names], 5 * 60_000),
  /** a hostPath's content removed on a node: its container (kind), or through its agent pod (cluster) */
  clearHostPath: (ctx: KindContext, node: NodeTarget, dir: string): Command =>
    nodeExecCommand(
      node,
      ['sh', '-c', `[ ! -d "$1" ] || find "$1" -mindepth 1 -delete`, 'clear', dir],
      ctx.config.kindProvider,
    ),
}

/** The commands a reset runs, in order (the waits between them are by condition, not listed). */
export function resetCommandList(
  ctx: KindContext,
  target: ResetTarget,
  actions: ResetActions,
  nodeContainers: NodeTarget[],
): Command[] {
  if (actions.mode === 'restart') return [resetCommands.deletePods(ctx, target.selector)]
  const clear = nodeContainers.flatMap((n) =>
    actions.hostPaths.map((p) => resetCommands.clearHostPath(ctx, n, p)),
  )
  const pvcs = actions.pvcs.length ? [resetCommands.deletePvcs(ctx, actions.pvcs)] : []
  return target.kind === 'DaemonSet'
    ? [
        resetCommands.pauseDaemonSet(ctx, target.name),
        ...clear,
        resetCommands.resumeDaemonSet(ctx, target.name),
      ]
    : [
        resetCommands.scaleStatefulSet(ctx, target.name, 0),
        ...pvcs,
        ...clear,
        resetCommands.scaleStatefulSet(ctx, target.name, target.replicas),
      ]
}

// ---- carrying it out ----------------------------------------------------------------------------

export function targetOfDaemonSet(ds: V1DaemonSet, container: string): ResetTarget {
  return {
    kind: 'DaemonSet',
    name: ds.metadata?.name ?? '',
    selector: labelSelector(ds.spec?.selector.matchLabels ?? {}),
    replicas: ds.status?.desiredNumberScheduled ?? 0,
    container,
    podSpec: ds.spec?.template.spec ?? { containers: [] },
    claimTemplates: [],
  }
}

export function targetOfStatefulSet(st: V1StatefulSet, container: string): ResetTarget {
  return {
    kind: 'StatefulSet',
    name: st.metadata?.name ?? '',
    selector: labelSelector(st.spec?.selector.matchLabels ?? {}),
    replicas: st.spec?.replicas ?? 1,
    container,
    podSpec: st.spec?.template.spec ?? { containers: [] },
    claimTemplates: (st.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '').filter(Boolean),
  }
}

export async function resetWorkload(
  kube: Kube,
  ctx: KindContext,
  target: ResetTarget,
  nodes: Node[],
  timeoutMs: number,
  log: (line: string) => void = () => {},
): Promise<ResetActions> {
  const actions = resetActions(target)
  for (const u of actions.untouched) log(`${target.kind}/${target.name}: cannot clear ${u}`)
  const before = await listPods(kube, DRAGONFLY_NAMESPACE, target.selector)
  const oldUids = new Set(before.map((p) => p.metadata?.uid ?? ''))
  const ranOn = new Set(before.map((p) => p.spec?.nodeName ?? ''))
  const containers = nodes.filter((n) => ranOn.has(n.name))
  const commands = resetCommandList(ctx, target, actions, containers)
  const exec = (c: Command) => run(c.file, c.args, { timeoutMs: c.timeoutMs })
  if (actions.mode === 'restart') {
    for (const c of commands) await exec(c)
  } else {
    // first command stops every pod; the last one starts them again
    await exec(commands[0]!)
    await waitForNoPods(kube, DRAGONFLY_NAMESPACE, target.selector, timeoutMs)
    for (const c of commands.slice(1)) await exec(c)
  }
  log(
    `${target.kind}/${target.name}: ${actions.mode}${actions.pvcs.length ? `, deleted ${actions.pvcs.join(', ')}` : ''}`,
  )
  await waitForReplacedPods(kube, DRAGONFLY_NAMESPACE, target.selector, oldUids, target.replicas, timeoutMs)
  return actions
}
