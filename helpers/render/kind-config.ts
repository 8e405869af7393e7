// kind cluster configuration (the guide's kind-config.yaml): one control-plane, N workers; the first
// worker publishes the peer Service's NodePorts on the host as 4001 (proxy) and 4003 (health), as the
// guide does; every worker gets /dev/fuse for the stargz snapshotter's FUSE mounts.
import type { Config } from '../run/config.ts'
import type { ImagePin } from '../base/versions.ts'
import { GENERATED_NOTICE, yamlText } from './format.ts'
import { DFDAEMON_PORTS, PEER_NODE_PORTS } from './ports.ts'

export interface KindPortMapping {
  containerPort: number
  hostPort: number
  listenAddress: string
  protocol: 'TCP' | 'UDP'
}

export interface KindMount {
  hostPath: string
  containerPath: string
}

export interface KindNode {
  role: 'control-plane' | 'worker'
  image: string
  extraPortMappings?: KindPortMapping[]
  extraMounts?: KindMount[]
}

export interface KindCluster {
  kind: 'Cluster'
  apiVersion: 'kind.x-k8s.io/v1alpha4'
  name: string
  nodes: KindNode[]
}

export function imageRef(pin: ImagePin): string {
  return `${pin.repository}:${pin.tag}${pin.digest ? `@${pin.digest}` : ''}`
}

export interface KindConfigOptions {
  /** where the published ports listen on the host (default loopback: traffic stays on this machine) */
  listenAddress?: string
}

export function kindConfig(config: Config, options: KindConfigOptions = {}): KindCluster {
  const image = imageRef(config.versions.images.kindNode)
  const listenAddress = options.listenAddress ?? '127.0.0.1'
  const fuse: KindMount = { hostPath: '/dev/fuse', containerPath: '/dev/fuse' }
  const workers: KindNode[] = Array.from({ length: config.workers }, (_, i) => ({
    role: 'worker',
    image,
    ...(i === 0
      ? {
          extraPortMappings: [
            {
              containerPort: PEER_NODE_PORTS.proxy,
              hostPort: DFDAEMON_PORTS.proxy,
              listenAddress,
              protocol: 'TCP',
            },
            {
              containerPort: PEER_NODE_PORTS.health,
              hostPort: DFDAEMON_PORTS.health,
              listenAddress,
              protocol: 'TCP',
            },
          ],
        }
      : {}),
    extraMounts: [fuse],
  }))
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: config.clusterName,
    nodes: [{ role: 'control-plane', image }, ...workers],
  }
}

export function renderKindConfig(config: Config, options: KindConfigOptions = {}): string {
  return yamlText(kindConfig(config, options), {
    header: GENERATED_NOTICE,
    comments: [
      {
        path: ['nodes'],
        comment:
          'The first worker publishes the peer Service NodePorts (kind/peer-service.yaml) on the host as\n' +
          '4001 (dfdaemon proxy) and 4003 (dfdaemon health), as the integration guide does.\n' +
          'kind also passes /dev/fuse to nodes when the host has it; the mount makes it explicit.',
      },
    ],
  })
}
