import { describe, expect, test } from 'vitest'
import { parseGoMod, renderGoMod, renderStubGoMod } from '../../../helpers/tools/go-mod.ts'

// Shaped like nerdctl v2.1.3's go.mod: a local replace of a module that is not published.
const NERDCTL = `//gomodjail:confined
module github.com/containerd/nerdctl/v2

go 1.23.5

require (
	github.com/containerd/nerdctl/mod/tigron v0.0.0
	gotest.tools/v3 v3.5.2
)

replace github.com/containerd/nerdctl/mod/tigron v0.0.0 => ./mod/tigron
`

const BLOCK = `module example.com/m

go 1.25.0

replace (
	example.com/a => ../a
	example.com/b v1.2.3 => ./b // local
	example.com/c => example.com/c2 v1.0.0
)
`

describe('go.mod reading', () => {
  test('module, go directive and local replaces', () => {
    expect(parseGoMod(NERDCTL)).toEqual({
      module: 'github.com/containerd/nerdctl/v2',
      goVersion: '1.23.5',
      localReplaces: [{ path: 'github.com/containerd/nerdctl/mod/tigron', version: 'v0.0.0' }],
    })
  })

  test('replace blocks; replaces by another module are not local', () => {
    expect(parseGoMod(BLOCK).localReplaces).toEqual([
      { path: 'example.com/a' },
      { path: 'example.com/b', version: 'v1.2.3' },
    ])
  })

  test('no replaces at all', () => {
    expect(parseGoMod('module d7y.io/dragonfly/v2\n\ngo 1.25.5\n')).toEqual({
      module: 'd7y.io/dragonfly/v2',
      goVersion: '1.25.5',
      localReplaces: [],
    })
  })
})

describe('throwaway module', () => {
  test('requires the upstream module and stubs its unpublished local modules', () => {
    const text = renderGoMod({
      name: 'd7y-conformance/build/nerdctl',
      goVersion: '1.23.5',
      require: { path: 'github.com/containerd/nerdctl/v2', version: 'v2.1.3' },
      stubs: [{ path: 'github.com/containerd/nerdctl/mod/tigron', version: 'v0.0.0', dir: 'stub-0' }],
    })
    expect(text).toContain('module d7y-conformance/build/nerdctl\n\ngo 1.23.5\n')
    expect(text).toContain('require github.com/containerd/nerdctl/v2 v2.1.3\n')
    expect(text).toContain('replace github.com/containerd/nerdctl/mod/tigron v0.0.0 => ./stub-0\n')
    expect(renderStubGoMod('example.com/a', '1.25.0')).toBe('module example.com/a\n\ngo 1.25.0\n')
  })

  test('without stubs there is no replace', () => {
    const text = renderGoMod({
      name: 'x',
      goVersion: '1.25.5',
      require: { path: 'd7y.io/dragonfly/v2', version: 'v2.5.1' },
      stubs: [],
    })
    expect(text).not.toContain('replace')
  })

  test('a local copy of the module replaces the module itself', () => {
    const text = renderGoMod({
      name: 'x',
      goVersion: '1.23.5',
      require: { path: 'github.com/containerd/nerdctl/v2', version: 'v2.1.3' },
      stubs: [],
      localCopy: 'upstream',
    })
    expect(text).toContain('replace github.com/containerd/nerdctl/v2 v2.1.3 => ./upstream\n')
  })

  test('in-tree modules upstream also publishes are replaced by their published version', () => {
    const text = renderGoMod({
      name: 'd7y-conformance/build/kubernetes',
      goVersion: '1.24.0',
      require: { path: 'k8s.io/kubernetes', version: 'v1.33.1' },
      stubs: [],
      published: [
        { path: 'k8s.io/api', version: 'v0.33.1' },
        { path: 'k8s.io/client-go', version: 'v0.33.1' },
      ],
    })
    expect(text).toContain('replace k8s.io/api => k8s.io/api v0.33.1\n')
    expect(text).toContain('replace k8s.io/client-go => k8s.io/client-go v0.33.1\n')
    expect(text).not.toContain('./stub')
  })
})
