import { describe, expect, test } from 'vitest'
import { parse } from 'smol-toml'
import { loadConfig } from '../../../helpers/run/config.ts'
import { renderStargzConfig, stargzConfig, type StargzConfig } from '../../../helpers/render/stargz-config.ts'

const config = loadConfig({})
const registry = 'd7y-stargz-registry:5000'

function lineIndex(lines: string[], predicate: (line: string) => boolean): number {
  const i = lines.findIndex(predicate)
  expect(i).toBeGreaterThanOrEqual(0)
  return i
}

describe('stargz config.toml through Dragonfly', () => {
  const text = renderStargzConfig(config, 'dragonfly')
  const parsed = parse(text) as unknown as StargzConfig

  test('one mirror for the registry under test: the node-local dfdaemon proxy, plain HTTP', () => {
    const mirrors = parsed.resolver.host[registry]?.mirrors
    expect(mirrors).toHaveLength(1)
    expect(mirrors?.[0]?.host).toBe('127.0.0.1:4001')
    expect(mirrors?.[0]?.host).not.toMatch(/:\/\//)
    expect(mirrors?.[0]?.insecure).toBe(true)
  })

  test('X-Dragonfly-Registry names the origin', () => {
    expect(parsed.resolver.host[registry]?.mirrors[0]?.header).toEqual({
      'X-Dragonfly-Registry': ['http://d7y-stargz-registry:5000'],
    })
  })

  test('the header table follows its mirror entry', () => {
    const lines = text.split('\n')
    const mirror = lineIndex(lines, (l) => l === `[[resolver.host."${registry}".mirrors]]`)
    const host = lineIndex(lines, (l) => l.startsWith('host = '))
    const header = lineIndex(lines, (l) => l === `[resolver.host."${registry}".mirrors.header]`)
    expect(mirror).toBeLessThan(host)
    expect(host).toBeLessThan(header)
    expect(lines[header + 1]).toMatch(/^X-Dragonfly-Registry = /)
  })

  test('prefetch and background fetch keep their defaults', () => {
    expect(text).not.toMatch(/noprefetch|no_background_fetch/)
  })

  test('rejects a URL as mirror host', () => {
    expect(() => stargzConfig(config, 'dragonfly', { proxy: 'http://127.0.0.1:4001' })).toThrow(
      /host\[:port\]/,
    )
  })
})

describe('stargz config-direct.toml (negative control)', () => {
  const parsed = parse(renderStargzConfig(config, 'direct')) as unknown as StargzConfig

  test('the mirror is the origin itself over plain HTTP, without the Dragonfly header', () => {
    expect(parsed.resolver.host[registry]?.mirrors).toEqual([{ host: registry, insecure: true }])
  })

  test('other registries and proxies by option', () => {
    const c = stargzConfig(config, 'dragonfly', {
      registryHost: 'r:5001',
      originRegistry: 'http://r:5001',
      proxy: '10.0.0.1:4001',
    })
    expect(c.resolver.host['r:5001']?.mirrors[0]).toEqual({
      host: '10.0.0.1:4001',
      insecure: true,
      header: { 'X-Dragonfly-Registry': ['http://r:5001'] },
    })
  })
})

describe('stargz config.toml for the upgrade gate and the FUSE manager', () => {
  test('originFallback: dfdaemon first, then the origin itself over plain HTTP', () => {
    const parsed = parse(
      renderStargzConfig(config, 'dragonfly', { originFallback: true }),
    ) as unknown as StargzConfig
    expect(parsed.resolver.host[registry]?.mirrors.map((m) => [m.host, m.insecure, !!m.header])).toEqual([
      ['127.0.0.1:4001', true, true],
      [registry, true, false],
    ])
    // never for the negative control: it has one mirror, the origin
    expect(
      stargzConfig(config, 'direct', { originFallback: true }).resolver.host[registry]?.mirrors,
    ).toHaveLength(1)
  })

  test('D7Y_STARGZ_FUSE_MANAGER: the [fuse_manager] table, and the unit stops only the snapshotter', async () => {
    const withManager = loadConfig({ D7Y_STARGZ_FUSE_MANAGER: 'true' })
    expect(
      (parse(renderStargzConfig(withManager, 'dragonfly')) as Record<string, unknown>).fuse_manager,
    ).toEqual({
      enable: true,
      address: '/run/containerd-stargz-grpc/fuse-manager.sock',
      path: '/usr/local/bin/stargz-fuse-manager',
    })
    expect(stargzConfig(config, 'dragonfly').fuse_manager).toBeUndefined()
    const { renderStargzUnit } = await import('../../../helpers/render/stargz-unit.ts')
    expect(renderStargzUnit({ fuseManager: true })).toMatch(/^KillMode=process$/m)
    expect(renderStargzUnit()).not.toMatch(/KillMode/)
  })
})
