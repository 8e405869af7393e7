// The node agent: on a cluster the suite did not create (D7Y_PROFILE=cluster) it cannot shell into
// nodes, so it runs one privileged pod per chosen node, in its own namespace, that shares the
// node's PID namespace; every node operation is `kubectl exec` into it and `nsenter` into PID 1's
// namespaces (profiles/node-access.ts). The suite deploys it and removes it with its namespace.

export const AGENT_NAMESPACE = 'd7y-conformance'
export const AGENT_NAME = 'd7y-node-agent'
export const AGENT_LABELS = {
  'app.kubernetes.io/name': AGENT_NAME,
  'app.kubernetes.io/part-of': 'd7y-conformance',
}

/** The suite's own namespace (agents, origin, probe pods), created by whichever step needs it first. */
export const agentNamespace = () => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: AGENT_NAMESPACE },
})

export interface NodeAgentOptions {
  /** an image with sh, sleep and nsenter (the pinned busybox has them) */
  image: string
  /** the nodes to run on by name: the chosen workers (D7Y_NODE_SELECTOR) and the builder */
  nodes: string[]
}

export function renderNodeAgent(opts: NodeAgentOptions) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: AGENT_NAME, namespace: AGENT_NAMESPACE, labels: AGENT_LABELS },
    spec: {
      selector: { matchLabels: AGENT_LABELS },
      template: {
        metadata: { labels: AGENT_LABELS },
        spec: {
          // PID 1 of the node is the process whose namespaces nsenter enters
          hostPID: true,
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                // one term per node (terms are ORed): a field selector takes one value only
                nodeSelectorTerms: opts.nodes.map((n) => ({
                  matchFields: [{ key: 'metadata.name', operator: 'In', values: [n] }],
                })),
              },
            },
          },
          // on every chosen node, whatever taints it carries (control-plane, dedicated pools)
          tolerations: [{ operator: 'Exists' }],
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'agent',
              image: opts.image,
              // sleeps until the pod is deleted; SIGTERM ends it at once
              command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
              securityContext: { privileged: true },
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  }
}
