import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../../helpers/run/config.ts'
import { kindConfig, renderKindConfig, type KindCluster } from '../../../helpers/render/kind-config.ts'

describe('kind cluster config', () => {
  const config = loadConfig({})
  const parsed = parse(renderKindConfig(config)) as KindCluster

  test('is a kind v1alpha4 Cluster named after the configuration', () => {
    expect(parsed.kind).toBe('Cluster')
    expect(parsed.apiVersion).toBe('kind.x-k8s.io/v1alpha4')
    expect(parsed.name).toBe('d7y-stargz')
  })

  test('one control-plane and config.workers workers (default 2)', () => {
    expect(parsed.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker'])
    const three = kindConfig(loadConfig({ D7Y_WORKERS: '3' }))
    expect(three.nodes.filter((n) => n.role === 'worker')).toHaveLength(3)
    expect(three.nodes.filter((n) => n.role === 'control-plane')).toHaveLength(1)
  })

  test('every node uses the pinned node image', () => {
    const pin = config.versions.images.kindNode
    for (const node of parsed.nodes) expect(node.image.startsWith(`${pin.repository}:${pin.tag}`)).toBe(true)
  })

  test('the first worker publishes the peer NodePorts as 4001 and 4003, as the guide does', () => {
    const [, first, second] = parsed.nodes
    expect(first?.extraPortMappings).toEqual([
      { containerPort: 30950, hostPort: 4001, listenAddress: '127.0.0.1', protocol: 'TCP' },
      { containerPort: 30951, hostPort: 4003, listenAddress: '127.0.0.1', protocol: 'TCP' },
    ])
    expect(second?.extraPortMappings).toBeUndefined()
  })

  test('/dev/fuse is mounted into every worker', () => {
    for (const node of parsed.nodes.filter((n) => n.role === 'worker'))
      expect(node.extraMounts).toContainEqual({ hostPath: '/dev/fuse', containerPath: '/dev/fuse' })
  })

  test('plain YAML without anchors or aliases', () => {
    expect(renderKindConfig(config)).not.toMatch(/[&*]a\d/)
  })
})
