import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../../helpers/run/config.ts'
import {
  BLOB_RULE_REGEX,
  chartImageOf,
  helmValues,
  renderHelmValues,
  type DragonflyValues,
} from '../../../helpers/render/helm-values.ts'

describe('Helm values for the dragonfly chart', () => {
  const config = loadConfig({})
  const text = renderHelmValues(config)
  const values = parse(text) as DragonflyValues

  test('parses back to the values object', () => {
    expect(values).toEqual(helmValues(config))
  })

  test('prefetch on, the origin as registry mirror, the blob rule, on clients and the seed client', () => {
    for (const cfg of [values.client.config, values.seedClient.config]) {
      expect(cfg.proxy.prefetch).toBe(true)
      expect(cfg.proxy.registryMirror.addr).toBe('http://d7y-stargz-registry:5000')
      expect(cfg.proxy.rules).toEqual([{ regex: 'blobs/sha256.*' }])
      expect(cfg.proxy.server.port).toBe(4001)
    }
  })

  test('the rule matches blob URLs and not manifests', () => {
    const rule = new RegExp(BLOB_RULE_REGEX)
    expect(rule.test('http://d7y-stargz-registry:5000/v2/conformance/python/blobs/sha256:0123abcd')).toBe(
      true,
    )
    expect(rule.test('http://d7y-stargz-registry:5000/v2/conformance/python/manifests/1')).toBe(false)
  })

  test('client and seed client log at debug (download task succeeded is a debug line)', () => {
    expect(values.client.config.log.level).toBe('debug')
    expect(values.seedClient.config.log.level).toBe('debug')
  })

  test('metrics on for every component, dfdaemon ports 4000/4002/4003', () => {
    expect(values.manager.metrics.enable).toBe(true)
    expect(values.scheduler.metrics.enable).toBe(true)
    expect(values.seedClient.metrics.enable).toBe(true)
    expect(values.client.metrics.enable).toBe(true)
    expect(values.client.config.upload.server.port).toBe(4000)
    expect(values.client.config.metrics.server.port).toBe(4002)
    expect(values.client.config.health.server.port).toBe(4003)
  })

  test('client pods use the host network (127.0.0.1:4001 on the node is dfdaemon)', () => {
    expect(values.client.hostNetwork).toBe(true)
  })

  test('the manager is deployed, and the decision is explained in the file', () => {
    expect(values.manager.enable).toBe(true)
    expect(text).toMatch(/# The manager .*deployed on kind/)
    expect(text).toMatch(/wait-for-manager/)
  })

  test('the seed client is a super seed peer', () => {
    expect(values.seedClient.config.seedPeer).toEqual({ enable: true, type: 'super' })
    expect(values.client.config.seedPeer).toBeUndefined()
  })

  test('image tags follow the pinned versions and their overrides', () => {
    expect(values.scheduler.image).toEqual({ repository: 'dragonflyoss/scheduler', tag: 'v2.5.1' })
    expect(values.manager.image.tag).toBe('v2.5.1')
    expect(values.client.image).toEqual({ repository: 'dragonflyoss/client', tag: 'v1.5.0' })
    expect(values.seedClient.image.tag).toBe('v1.5.0')
    const overridden = helmValues(
      loadConfig({ D7Y_DFDAEMON_VERSION: 'v1.5.3', D7Y_SCHEDULER_VERSION: 'v2.5.2' }),
    )
    expect(overridden.client.image.tag).toBe('v1.5.3')
    expect(overridden.scheduler.image.tag).toBe('v2.5.2')
  })

  test('an explicit origin registry is used as the mirror address', () => {
    const v = helmValues(config, { originRegistry: 'http://other:5000' })
    expect(v.client.config.proxy.registryMirror.addr).toBe('http://other:5000')
  })

  test('no keys the current client config does not have', () => {
    expect(text).not.toMatch(/^\s*security:/m)
    expect(text).not.toMatch(/^\s*(proxies|regx|defaultFilter|tcpListen):/m)
  })
})

describe("the chart's init containers: a pinned image instead of busybox:latest", () => {
  test('every component that has one names the pinned busybox by its tag', () => {
    const values = helmValues(loadConfig({}))
    for (const c of [values.manager, values.scheduler, values.seedClient, values.client])
      expect(c.initContainer.image).toEqual({
        registry: 'docker.io',
        repository: 'busybox',
        tag: '1.36.1',
        digest: '',
      })
  })

  test('D7Y_INIT_CONTAINER_IMAGE: the registry host, the path and the tag taken apart as the chart joins them', () => {
    const values = helmValues(loadConfig({ D7Y_INIT_CONTAINER_IMAGE: 'localhost:5000/tools/busybox:1.37.0' }))
    expect(values.client.initContainer.image).toEqual({
      registry: 'localhost:5000',
      repository: 'tools/busybox',
      tag: '1.37.0',
      digest: '',
    })
  })

  test('references without a host, without a tag, or by digest', () => {
    expect(chartImageOf('library/busybox')).toEqual({
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: 'latest',
      digest: '',
    })
    const digest = 'sha256:' + 'b'.repeat(64)
    expect(chartImageOf(`mirror.example/busybox@${digest}`)).toEqual({
      registry: 'mirror.example',
      repository: 'busybox',
      tag: '',
      digest,
    })
    expect(chartImageOf(`busybox:1.36.1@${digest}`)).toEqual({
      registry: 'docker.io',
      repository: 'busybox',
      tag: '1.36.1',
      digest,
    })
  })
})
