import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../../helpers/run/config.ts'
import {
  dfdaemonArgs,
  dfdaemonClientConfig,
  dfdaemonDynconfig,
  dfdaemonSeedConfig,
  renderDfdaemonClient,
  renderDfdaemonDynconfig,
  renderDfdaemonSeed,
  type DfdaemonFile,
} from '../../../helpers/render/dfdaemon-local.ts'
import { helmValues } from '../../../helpers/render/helm-values.ts'

const values = helmValues(loadConfig({}))

describe("local profile: a node's dfdaemon.yaml", () => {
  const file = parse(renderDfdaemonClient(values)) as DfdaemonFile & Record<string, unknown>

  test('manager-less: no manager key at all (any manager.addr selects the manager backend)', () => {
    expect(file).not.toHaveProperty('manager')
  })

  test('console and log stay out of the file (they are arguments)', () => {
    expect(file).not.toHaveProperty('console')
    expect(file).not.toHaveProperty('log')
  })

  test('proxy 4001, upload 4000, metrics 4002, health 4003', () => {
    expect(file.proxy.server.port).toBe(4001)
    expect(file.upload.server.port).toBe(4000)
    expect(file.metrics.server.port).toBe(4002)
    expect(file.health.server.port).toBe(4003)
  })

  test('the proxy settings are the Helm values client.config.proxy', () => {
    expect(file.proxy).toEqual(values.client.config.proxy)
    expect(file.proxy.rules).toEqual([{ regex: 'blobs/sha256.*' }])
    expect(file.proxy.prefetch).toBe(true)
    expect(file.proxy.registryMirror.addr).toBe('http://d7y-stargz-registry:5000')
  })

  test('derived from the values object, not a copy', () => {
    const changed = structuredClone(values)
    changed.client.config.proxy.server.port = 5001
    expect(dfdaemonClientConfig(changed).proxy.server.port).toBe(5001)
  })

  test('not a seed peer', () => {
    expect(file).not.toHaveProperty('seedPeer')
  })

  test('node IP and hostname when given, validated', () => {
    expect(dfdaemonClientConfig(values, { host: { ip: '172.18.0.3', hostname: 'node-1' } }).host).toEqual({
      ip: '172.18.0.3',
      hostname: 'node-1',
    })
    expect(dfdaemonClientConfig(values, { host: {} }).host).toBeUndefined()
    expect(() => dfdaemonClientConfig(values, { host: { ip: 'node-1' } })).toThrow(/not an IP/)
  })
})

describe("local profile: the seed peer's dfdaemon.yaml", () => {
  const file = parse(renderDfdaemonSeed(values)) as DfdaemonFile & Record<string, unknown>

  test('a super seed peer, manager-less', () => {
    expect(file.seedPeer).toEqual({ enable: true, type: 'super' })
    expect(file).not.toHaveProperty('manager')
  })

  test('from seedClient.config', () => {
    expect(file.proxy).toEqual(values.seedClient.config.proxy)
    expect(dfdaemonSeedConfig(values, { host: { ip: '10.0.0.9' } }).host).toEqual({ ip: '10.0.0.9' })
  })

  test('refuses values whose seed client is not a seed peer', () => {
    const changed = structuredClone(values)
    changed.seedClient.config.seedPeer = { enable: false, type: 'super' }
    expect(() => dfdaemonSeedConfig(changed)).toThrow(/seedPeer.enable/)
  })
})

describe("dfdaemon's local dynconfig.yaml", () => {
  test('a DNS name becomes scheduler.addr', () => {
    expect(parse(renderDfdaemonDynconfig('d7y-stargz-scheduler:8002'))).toEqual({
      scheduler: { addr: 'd7y-stargz-scheduler:8002' },
    })
  })

  test('IP addresses become the static scheduler.addrs list', () => {
    expect(dfdaemonDynconfig('172.18.0.2:8002')).toEqual({ scheduler: { addrs: ['172.18.0.2:8002'] } })
    expect(dfdaemonDynconfig(['172.18.0.2:8002', '[fd00::2]:8002'])).toEqual({
      scheduler: { addrs: ['172.18.0.2:8002', '[fd00::2]:8002'] },
    })
  })

  test('rejects addresses without a port and several DNS names', () => {
    expect(() => dfdaemonDynconfig('scheduler')).toThrow(/host:port/)
    expect(() => dfdaemonDynconfig('scheduler:99999')).toThrow(/host:port/)
    expect(() => dfdaemonDynconfig(['a:8002', 'b:8002'])).toThrow(/one DNS name/)
    expect(() => dfdaemonDynconfig([])).toThrow()
  })
})

describe('dfdaemon arguments', () => {
  test('log level and console from the values, manager-less dynconfig path', () => {
    expect(dfdaemonArgs(values.client.config)).toEqual([
      '--config=/etc/dragonfly/dfdaemon.yaml',
      '--dynconfig=/etc/dragonfly/dynconfig.yaml',
      '--log-level=debug',
      '--console',
    ])
    const quiet = { ...values.client.config, console: false }
    expect(dfdaemonArgs(quiet, { config: '/x.yaml', dynconfig: '/y.yaml' })).toEqual([
      '--config=/x.yaml',
      '--dynconfig=/y.yaml',
      '--log-level=debug',
    ])
  })

  test("a values overlay's host fields (idc, location) are kept beside the node's own address", () => {
    const overlaid = structuredClone(values)
    ;(overlaid.client.config as unknown as Record<string, unknown>).host = {
      idc: 'lab-a',
      location: 'rack-1',
      ip: '10.0.0.9',
    }
    expect(dfdaemonClientConfig(overlaid, { host: { ip: '172.18.0.3', hostname: 'node-1' } }).host).toEqual({
      idc: 'lab-a',
      location: 'rack-1',
      ip: '172.18.0.3',
      hostname: 'node-1',
    })
  })
})
