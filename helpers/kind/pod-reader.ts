// The upgrade's workload as a Pod: the reader (helpers/upgrade/reader.ts) pinned to a worker and
// pulled by kubelet through containerd's CRI with the stargz snapshotter, as a cluster's workloads
// are. restartPolicy Never: a reader that loses its root filesystem ends and stays ended, which is
// what the step's verdict must see (a kubelet restart would hide it behind a new container).
import type { V1Pod } from '@kubernetes/client-node'
import { parseRef } from '../image/registry-client.ts'
import { writeFile, type Node } from '../profiles/node.ts'
import type { ReaderState } from '../upgrade/reader.ts'
import { waitFor } from '../base/wait.ts'
import { RUN_NAMESPACE, registryHostsToml, runPodManifest, runPodName } from './cri-run.ts'
import type { Kube } from './k8s.ts'

const podName = (node: Node) => runPodName(node.name, 'upgrade-reader')

/** The reader's state from its Pod: the container's id, whether it runs, since when, its restarts. */
export function podReaderState(node: string, pod: V1Pod): ReaderState {
  const c = pod.status?.containerStatuses?.[0]
  const running = c?.state?.running
  return {
    node,
    // the bare id, as nerdctl gives its containers' (the status says containerd://<id>)
    id: (c?.containerID ?? '').replace(/^[a-z]+:\/\//, ''),
    running: !!running,
    startedAt: running?.startedAt ? new Date(running.startedAt).toISOString() : '',
    restartCount: c?.restartCount ?? 0,
  }
}

export function podReader(kube: Kube, timeoutMs: number) {
  const read = (node: Node) => kube.core.readNamespacedPod({ name: podName(node), namespace: RUN_NAMESPACE })
  const remove = async (node: Node) => {
    await kube.core
      .deleteNamespacedPod({ name: podName(node), namespace: RUN_NAMESPACE, gracePeriodSeconds: 0 })
      .catch(() => undefined)
    await waitFor(
      `the earlier reader Pod on ${node.name} to be gone`,
      async () =>
        !(await read(node).then(
          () => true,
          () => false,
        )),
      { timeoutMs, intervalMs: 1000 },
    )
  }
  return {
    remove,
    async start(node: Node, ref: string, args: string[]): Promise<string> {
      await remove(node)
      const hosts = registryHostsToml(parseRef(ref).host)
      await writeFile(node, hosts.path, hosts.content)
      const body = runPodManifest({ name: podName(node), node: node.name, image: ref, args })
      await kube.core.createNamespacedPod({ namespace: RUN_NAMESPACE, body })
      const state = await waitFor(
        `the reader Pod on ${node.name} to run`,
        async () => {
          const pod = await read(node)
          const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting
          if (waiting?.reason && /BackOff|Err|Invalid/.test(waiting.reason))
            throw new Error(`reader Pod on ${node.name}: ${waiting.reason}: ${waiting.message ?? ''}`)
          const s = podReaderState(node.name, pod)
          return s.running ? s : false
        },
        { timeoutMs, intervalMs: 1000 },
      )
      return `Pod ${podName(node)} ${state.id}`
    },
    state: async (node: Node) => podReaderState(node.name, await read(node)),
    logText: (node: Node) =>
      kube.core
        .readNamespacedPodLog({ name: podName(node), namespace: RUN_NAMESPACE })
        .then((t) => String(t)),
  }
}
