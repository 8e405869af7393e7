import { describe, expect, test } from 'vitest'
import { parse } from 'smol-toml'
import { loadConfig } from '../../../helpers/config.ts'
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
