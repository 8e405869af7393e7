// kind nodes as helpers/profiles/node.ts Nodes, and the images the profile pulls and loads.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { kindConfigFile } from '../../../helpers/kind/files.ts'
import { renderKindConfig } from '../../../helpers/render/index.ts'
import {
  initContainerImagePin,
  workloadImageRefs,
  dragonflyImages,
  kindNodeImage,
  localImageRef,
  registryImagePin,
} from '../../../helpers/kind/images.ts'
import { kindNodeNames, parseKindNodes, parseNodeInfo, sortNodes } from '../../../helpers/kind/nodes.ts'

const config = loadConfig({})
const DIGEST = 'sha256:' + 'c'.repeat(64)

describe('kind nodes', () => {
  test('names as kind gives them', () => {
    expect(kindNodeNames('k', 3).map((n) => `${n.role} ${n.name}`)).toEqual([
      'control-plane k-control-plane',
      'worker k-worker',
      'worker k-worker2',
      'worker k-worker3',
    ])
  })

  test('role and IP from docker inspect; the container is the Kubernetes node name', () => {
    expect(parseNodeInfo('k-worker', 'worker 172.18.0.3\n')).toEqual({
      name: 'k-worker',
      container: 'k-worker',
      role: 'worker',
      ip: '172.18.0.3',
    })
    expect(() => parseNodeInfo('x', ' 172.18.0.3')).toThrow(/not a kind node/)
    expect(() => parseNodeInfo('k-worker', 'worker <no value>')).toThrow(/no address on the kind network/)
  })

  test('control-plane first, workers in kind order (worker10 after worker2)', () => {
    const n = (name: string, role: 'worker' | 'control-plane' = 'worker') => ({
      name,
      container: name,
      role,
      ip: '1.1.1.1',
    })
    expect(
      sortNodes([n('k-worker10'), n('k-worker2'), n('k-control-plane', 'control-plane'), n('k-worker')]).map(
        (x) => x.name,
      ),
    ).toEqual(['k-control-plane', 'k-worker', 'k-worker2', 'k-worker10'])
  })

  test('kind get output: names only, notices ignored', () => {
    expect(parseKindNodes('k-control-plane\nk-worker\n')).toEqual(['k-control-plane', 'k-worker'])
    expect(parseKindNodes('No kind nodes found for cluster "k".\n')).toEqual([])
  })
})

describe('images', () => {
  test('node image: the pin by digest, or a validated override', () => {
    const pin = config.versions.images.kindNode
    expect(kindNodeImage(config)).toBe(`${pin.repository}:${pin.tag}@${pin.digest}`)
    expect(kindNodeImage(loadConfig({ D7Y_KIND_NODE_IMAGE: `kindest/node:v1.34.0@${DIGEST}` }))).toBe(
      `kindest/node:v1.34.0@${DIGEST}`,
    )
    expect(() => loadConfig({ D7Y_KIND_NODE_IMAGE: 'Bad Image' })).toThrow('D7Y_KIND_NODE_IMAGE')
  })

  test('the override is written into every node of the kind config', () => {
    const image = `example.com/node:v9@${DIGEST}`
    const text = kindConfigFile(config, image)
    expect(text.match(/image: /g)).toHaveLength(config.workers + 1)
    expect(text.match(new RegExp(`image: ${image.replace(/[.]/g, '\\.')}`, 'g'))).toHaveLength(
      config.workers + 1,
    )
    expect(kindConfigFile(config, kindNodeImage(config))).toBe(renderKindConfig(config))
  })

  test('Dragonfly images: what the values deploy, once each, tags following the version overrides', () => {
    expect(dragonflyImages(config)).toEqual([
      'dragonflyoss/manager:v2.5.1',
      'dragonflyoss/scheduler:v2.5.1',
      'dragonflyoss/client:v1.5.0',
    ])
    expect(
      dragonflyImages(loadConfig({ D7Y_SCHEDULER_VERSION: 'v2.4.0', D7Y_DFDAEMON_VERSION: 'v1.4.3' })),
    ).toEqual(['dragonflyoss/manager:v2.4.0', 'dragonflyoss/scheduler:v2.4.0', 'dragonflyoss/client:v1.4.3'])
  })

  test('registry: pulled by digest, used by tag; an override as given', () => {
    const pin = config.versions.images.registry
    expect(registryImagePin(config)).toEqual({ pull: `registry@${pin.digest}`, ref: `registry:${pin.tag}` })
    expect(registryImagePin(loadConfig({ D7Y_REGISTRY_IMAGE: 'mirror.example/registry:3.0.0' }))).toEqual({
      pull: 'mirror.example/registry:3.0.0',
      ref: 'mirror.example/registry:3.0.0',
    })
  })

  test('init containers: the pinned busybox by digest, named by its tag (the chart default is busybox:latest)', () => {
    const pin = config.versions.images.initContainer
    expect(initContainerImagePin(config)).toEqual({
      pull: `busybox@${pin.digest}`,
      ref: 'busybox:1.36.1',
    })
    expect(workloadImageRefs(config)).toContain('busybox:1.36.1')
    expect(workloadImageRefs(config)).not.toContain('busybox:latest')
    const custom = loadConfig({ D7Y_INIT_CONTAINER_IMAGE: 'registry.example:5000/tools/busybox:1.37.0' })
    expect(initContainerImagePin(custom).ref).toBe('registry.example:5000/tools/busybox:1.37.0')
    expect(workloadImageRefs(custom)).toContain('registry.example:5000/tools/busybox:1.37.0')
    expect(() => loadConfig({ D7Y_INIT_CONTAINER_IMAGE: 'busybox latest' })).toThrow(
      'D7Y_INIT_CONTAINER_IMAGE',
    )
  })

  test('a pull by name:tag@digest is found locally as name@digest', () => {
    expect(localImageRef(`kindest/node:v1.33.1@${DIGEST}`)).toBe(`kindest/node@${DIGEST}`)
    expect(localImageRef(`localhost:5000/a/b:1@${DIGEST}`)).toBe(`localhost:5000/a/b@${DIGEST}`)
    expect(localImageRef('dragonflyoss/client:v1.5.0')).toBe('dragonflyoss/client:v1.5.0')
  })
})
