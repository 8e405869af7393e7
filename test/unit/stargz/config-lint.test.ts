// Issue 8 finding 11 (second half): a user's D7Y_STARGZ_CONFIG used to be installed unread. These
// tests fail on that code (there was no lint); the suite prints each finding loudly and still judges
// routing by evidence.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { registryHost, renderStargzConfig } from '../../../helpers/render/stargz-config.ts'
import { lintStargzConfig } from '../../../helpers/stargz/config-lint.ts'

const config = loadConfig({})
const target = { registry: registryHost(config), proxyPort: 4001 }

// The integration guide's form: the mirror host as a URL, no header, no insecure.
const GUIDE = `[[resolver.host."${target.registry}".mirrors]]
host = "http://127.0.0.1:4001"
`

describe('lintStargzConfig', () => {
  test('the rendered configs lint clean', () => {
    expect(lintStargzConfig(renderStargzConfig(config, 'dragonfly'), target)).toEqual([])
    expect(lintStargzConfig(renderStargzConfig(config, 'direct'), target)).toEqual([])
  })

  test("the guide's form: URL host, no X-Dragonfly-Registry header, plain HTTP without insecure", () => {
    const lint = lintStargzConfig(GUIDE, target)
    expect(lint).toHaveLength(4)
    expect(lint[0]).toMatch(/no force_single_range_mode = true under \[blob\]/)
    expect(lint[1]).toMatch(/host must be host\[:port\], not a URL/)
    expect(lint[2]).toMatch(/no X-Dragonfly-Registry header/)
    expect(lint[3]).toMatch(/plain HTTP but no insecure = true/)
  })

  test('host:port on the proxy port without insecure; header present in any letter case', () => {
    const text = `[blob]
force_single_range_mode = true
[[resolver.host."${target.registry}".mirrors]]
host = "127.0.0.1:4001"
[resolver.host."${target.registry}".mirrors.header]
x-dragonfly-registry = ["http://${target.registry}"]
`
    expect(lintStargzConfig(text, target)).toEqual([expect.stringMatching(/no insecure = true/)])
  })

  test('no mirror for the registry under test, and text that is not TOML', () => {
    expect(
      lintStargzConfig('[[resolver.host."other:5000".mirrors]]\nhost = "127.0.0.1:4001"\n', target),
    ).toEqual([expect.stringMatching(/fetched straight from the origin/)])
    expect(lintStargzConfig('resolver = [', target)).toEqual([expect.stringMatching(/^not valid TOML/)])
  })
})
