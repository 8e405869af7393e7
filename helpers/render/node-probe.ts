// The preflight probe: on a cluster the suite did not create, one short-lived pod per chosen node
// reads what the API does not tell: whether /dev/fuse exists, which filesystems the kernel has, and
// which ports are already bound on the node's network. It is not privileged, mounts the node's /dev
// read-only and writes nothing; the suite deletes it as soon as its output is read.
import { AGENT_NAMESPACE } from './node-agent.ts'

export const PROBE_LABELS = {
  'app.kubernetes.io/name': 'd7y-node-probe',
  'app.kubernetes.io/part-of': 'd7y-conformance',
}

export const probePodName = (index: number): string => `d7y-node-probe-${index}`

/** Prints `kernel`, `machine`, `fuse`, the kernel's filesystems and every bound socket of the node's network. */
export const PROBE_SCRIPT = [
  'echo "kernel $(uname -r)"',
  'echo "machine $(uname -m)"',
  'if [ -c /host/dev/fuse ]; then echo "fuse present"; else echo "fuse absent"; fi',
  "sed 's/^/filesystem /' /proc/filesystems",
  // hostNetwork: /proc/net is the node's; one line per socket, the header dropped
  'for t in tcp tcp6 udp udp6; do [ -r /proc/net/$t ] && sed "1d; s/^/$t /" /proc/net/$t; done',
  'echo end',
].join('\n')

export function renderNodeProbe(opts: { image: string; node: string; index: number }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: probePodName(opts.index),
      namespace: AGENT_NAMESPACE,
      labels: PROBE_LABELS,
      annotations: { 'd7y-conformance/node': opts.node },
    },
    spec: {
      nodeName: opts.node,
      hostNetwork: true,
      restartPolicy: 'Never',
      tolerations: [{ operator: 'Exists' }],
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'probe',
          image: opts.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', PROBE_SCRIPT],
          volumeMounts: [{ name: 'dev', mountPath: '/host/dev', readOnly: true }],
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
      volumes: [{ name: 'dev', hostPath: { path: '/dev', type: 'Directory' } }],
    },
  }
}
