// The origin registry on a cluster the suite did not create: one pod on the builder node's network
// (hostNetwork), so every node reaches it at the builder's address, as containerd and the peers on
// the host network need (the cluster's DNS does not serve the nodes). Its JSON access log on stdout
// is the origin-side evidence, read through the API.
import { AGENT_NAMESPACE } from './node-agent.ts'

export const ORIGIN_NAME = 'd7y-origin-registry'
export const ORIGIN_LABELS = {
  'app.kubernetes.io/name': ORIGIN_NAME,
  'app.kubernetes.io/part-of': 'd7y-conformance',
}

export function renderOriginPod(opts: { image: string; node: string; port: number }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: ORIGIN_NAME, namespace: AGENT_NAMESPACE, labels: ORIGIN_LABELS },
    spec: {
      nodeName: opts.node,
      hostNetwork: true,
      tolerations: [{ operator: 'Exists' }],
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'registry',
          image: opts.image,
          imagePullPolicy: 'IfNotPresent',
          env: [
            { name: 'REGISTRY_HTTP_ADDR', value: `0.0.0.0:${opts.port}` },
            // JSON lines carry method, uri, status and bytes written per request: the accounting input
            { name: 'REGISTRY_LOG_FORMATTER', value: 'json' },
            { name: 'REGISTRY_LOG_LEVEL', value: 'info' },
          ],
          readinessProbe: { httpGet: { path: '/v2/', port: opts.port }, periodSeconds: 1 },
        },
      ],
    },
  }
}
