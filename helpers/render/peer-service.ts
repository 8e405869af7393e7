// The guide's peer NodePort Service in front of the client DaemonSet (dfdaemon proxy and health),
// with a selector the chart's client pods really match (see chart-labels.ts; the guide's
// `release: dragonfly` matches nothing since chart 1.4.3).
import type { Config } from '../run/config.ts'
import { chartPodLabels, type ChartNaming } from './chart-labels.ts'
import { GENERATED_NOTICE, yamlText } from './format.ts'
import { CHART_COMPONENTS } from './helm-values.ts'
import { DFDAEMON_PORTS, PEER_NODE_PORTS } from './ports.ts'
import { DRAGONFLY_NAMESPACE, DRAGONFLY_RELEASE } from './release-location.ts'

export interface ServicePort {
  name: string
  protocol: 'TCP'
  port: number
  targetPort: number
  nodePort: number
}

export interface PeerService {
  apiVersion: 'v1'
  kind: 'Service'
  metadata: { name: string; namespace: string }
  spec: { type: 'NodePort'; selector: Record<string, string>; ports: ServicePort[] }
}

export interface PeerServiceOptions {
  naming?: ChartNaming
  namespace?: string
  name?: string
}

export function peerService(_config: Config, options: PeerServiceOptions = {}): PeerService {
  const naming = options.naming ?? { release: DRAGONFLY_RELEASE }
  const port = (name: string, port: number, nodePort: number): ServicePort => ({
    name,
    protocol: 'TCP',
    port,
    targetPort: port,
    nodePort,
  })
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: options.name ?? 'peer', namespace: options.namespace ?? DRAGONFLY_NAMESPACE },
    spec: {
      type: 'NodePort',
      selector: chartPodLabels(naming, CHART_COMPONENTS.client),
      ports: [
        port(`http-${DFDAEMON_PORTS.proxy}`, DFDAEMON_PORTS.proxy, PEER_NODE_PORTS.proxy),
        port(`http-${DFDAEMON_PORTS.health}`, DFDAEMON_PORTS.health, PEER_NODE_PORTS.health),
      ],
    },
  }
}

export function renderPeerService(config: Config, options: PeerServiceOptions = {}): string {
  return yamlText(peerService(config, options), {
    header: GENERATED_NOTICE,
    comments: [
      {
        path: ['spec', 'selector'],
        comment:
          'The labels the chart puts on client pods (app: <release fullname>, component: client).\n' +
          'No `release` label: chart pod templates dropped it in 1.4.3, and with it this Service has no endpoints.\n' +
          'The client pods use hostNetwork, so the target ports are dfdaemon on the node itself.',
      },
    ],
  })
}
