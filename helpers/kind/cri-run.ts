// The CRI path of the guide's "run the image": a Pod pinned to each worker (spec.nodeName, so the
// scheduler plays no part), pulled by kubelet through containerd's CRI with the stargz snapshotter,
// run to completion, its log returned for the chapter to match against the expected output.
//
// containerd's CRI resolves the manifest and config itself and needs to be told the origin speaks
// plain HTTP: a certs.d hosts.toml (kind nodes set `config_path = "/etc/containerd/certs.d"`). The
// layers are then fetched lazily by the snapshotter through its own mirror config (dfdaemon), which
// certs.d does not steer.
import type { V1Pod } from '@kubernetes/client-node'
import type { Config } from '../run/config.ts'
import type { RunOutcome } from '../image/nerdctl.ts'
import { parseRef } from '../image/registry-client.ts'
import { writeFile, type Node } from '../profiles/node.ts'
import { tomlText } from '../render/index.ts'
import { waitFor } from '../base/wait.ts'
import { kubeFrom, type Kube } from './k8s.ts'
import { kindLayout } from './layout.ts'

export const CERTS_D = '/etc/containerd/certs.d'
export const RUN_NAMESPACE = 'default'
export const RUN_LABELS = { app: 'd7y-conformance-run' } as const
const CONTAINER = 'run'

/** certs.d entry telling containerd's CRI that `host` (host:port) is a plain-HTTP registry. */
export function registryHostsToml(host: string): { path: string; content: string } {
  const url = `http://${host}`
  return {
    path: `${CERTS_D}/${host}/hosts.toml`,
    content: tomlText(
      { server: url, host: { [url]: { capabilities: ['pull', 'resolve'] } } },
      `The origin registry speaks plain HTTP (written by helpers/kind/cri-run.ts).`,
    ),
  }
}

export interface RunPodSpec {
  name: string
  node: string
  image: string
  /** arguments replacing the image's CMD, as `nerdctl run IMAGE ARGS...` does */
  args: string[]
  namespace?: string
  pullPolicy?: 'Always' | 'IfNotPresent'
}

/** A DNS-1123 pod name from a node name and a suffix. */
export function runPodName(node: string, suffix: string): string {
  const base = `d7y-run-${node}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 62 - suffix.length)
  return `${base.replace(/-+$/, '')}-${suffix}`
}

export function runPodManifest(spec: RunPodSpec): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace ?? RUN_NAMESPACE, labels: { ...RUN_LABELS } },
    spec: {
      nodeName: spec.node,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: CONTAINER,
          image: spec.image,
          imagePullPolicy: spec.pullPolicy ?? 'IfNotPresent',
          args: spec.args,
        },
      ],
    },
  }
}

/** Waiting reasons after which the pod will not run without a change: fail now, with the reason. */
const STUCK = new Set([
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
])

export type PodEnd = { done: false } | { done: true; exitCode: number; reason: string; durationMs?: number }

/** Whether the run pod has ended (completed, failed, or stuck), read from its status. */
export function podEnd(pod: V1Pod): PodEnd {
  const status = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)
  const terminated = status?.state?.terminated
  if (terminated) {
    const started = pod.metadata?.creationTimestamp
    const finished = terminated.finishedAt
    return {
      done: true,
      exitCode: terminated.exitCode,
      reason: terminated.reason ?? '',
      ...(started && finished
        ? { durationMs: new Date(finished).getTime() - new Date(started).getTime() }
        : {}),
    }
  }
  const waiting = status?.state?.waiting
  if (waiting?.reason && STUCK.has(waiting.reason))
    return { done: true, exitCode: -1, reason: `${waiting.reason}: ${waiting.message ?? ''}`.trim() }
  if (pod.status?.phase === 'Failed')
    return { done: true, exitCode: -1, reason: pod.status.reason ?? pod.status.message ?? 'Failed' }
  return { done: false }
}

export interface RunPodOptions {
  timeoutMs: number
  pullPolicy?: 'Always' | 'IfNotPresent'
  /** pod name suffix (default: the current time in base 36) */
  suffix?: string
}

/** Runs `ref` once as a pod on `node` and returns how it ended and what it printed. */
export async function runImagePod(
  kube: Kube,
  node: Node,
  ref: string,
  args: string[],
  opts: RunPodOptions,
): Promise<RunOutcome & { node: string; pod: string }> {
  const hosts = registryHostsToml(parseRef(ref).host)
  await writeFile(node, hosts.path, hosts.content)
  const name = runPodName(node.name, opts.suffix ?? Date.now().toString(36))
  const started = Date.now()
  await kube.core.createNamespacedPod({
    namespace: RUN_NAMESPACE,
    body: runPodManifest({ name, node: node.name, image: ref, args, pullPolicy: opts.pullPolicy }),
  })
  try {
    const end = await waitFor(
      `pod ${name} on ${node.name} to run ${ref} to completion`,
      async () => {
        const e = podEnd(await kube.core.readNamespacedPod({ name, namespace: RUN_NAMESPACE }))
        return e.done ? e : false
      },
      { timeoutMs: opts.timeoutMs, intervalMs: 1000 },
    )
    const logs =
      end.exitCode === -1
        ? ''
        : await kube.core.readNamespacedPodLog({ name, namespace: RUN_NAMESPACE, container: CONTAINER })
    return {
      node: node.name,
      pod: name,
      exitCode: end.exitCode,
      output: `${logs}${end.exitCode === -1 ? end.reason : ''}`.trim(),
      stderr: '',
      durationMs: end.durationMs ?? Date.now() - started,
    }
  } finally {
    await kube.core
      .deleteNamespacedPod({ name, namespace: RUN_NAMESPACE, gracePeriodSeconds: 0 })
      .catch(() => undefined)
  }
}

/**
 * The CRI counterpart of helpers/run/pull-phase.ts runOnWorkers: the image as a pod on each worker in
 * turn, same outcome shape, for the run chapter to assert the expected output.
 */
export async function runImageAsPods(
  config: Config,
  workers: Node[],
  ref: string,
  args: string[],
  log: (line: string) => void = () => {},
): Promise<(RunOutcome & { node: string; pod: string })[]> {
  const kube = kubeFrom(kindLayout(config).kubeconfig)
  const outcomes: (RunOutcome & { node: string; pod: string })[] = []
  for (const w of workers) {
    const o = await runImagePod(kube, w, ref, args, { timeoutMs: config.stepTimeoutMinutes * 60_000 })
    log(
      `${w.name}: pod ${o.pod} exit ${o.exitCode} in ${(o.durationMs / 1000).toFixed(1)}s: ${o.output.split('\n').pop()}`,
    )
    outcomes.push(o)
  }
  return outcomes
}
