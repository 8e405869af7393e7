// The recipes of a kind node image's binaries as data: which packages, tags, version stamps, replaces
// and link mode each build uses, checked without running anything.
import { describe, expect, test } from 'vitest'
import { fromBuild } from '../../../helpers/tools/build.ts'
import { cBuildStep, versionNamedIn } from '../../../helpers/tools/c-build.ts'
import { binariesOf, catalog, pinOf, profileTools } from '../../../helpers/tools/catalog.ts'
import { goBuildStep, goEnv, goTargets, splitLocalReplaces } from '../../../helpers/tools/go-build.ts'
import { parseGoMod } from '../../../helpers/tools/go-mod.ts'
import { toolLayout } from '../../../helpers/tools/layout.ts'

// Shaped like the replace blocks of k8s.io/kubernetes v1.33.1 and go.etcd.io/etcd/server/v3 v3.5.21.
const KUBERNETES = `module k8s.io/kubernetes

go 1.24.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/component-base => ./staging/src/k8s.io/component-base
)
`
const ETCD_SERVER = `module go.etcd.io/etcd/server/v3

go 1.23.0

replace (
	go.etcd.io/etcd/api/v3 => ../api
	go.etcd.io/etcd/client/pkg/v3 => ../client/pkg
	go.etcd.io/etcd/client/v2 => ../client/v2
	go.etcd.io/etcd/raft/v3 => ../raft
)

// Bad imports are sometimes causing attempts to pull that code.
replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY

replace go.etcd.io/tests/v3 => ./FORBIDDEN_DEPENDENCY
`

describe('in-tree modules', () => {
  test('kubernetes: every staging module at its published v0.<minor>.<patch>, no stub', () => {
    const split = splitLocalReplaces(
      parseGoMod(KUBERNETES).localReplaces,
      'v1.33.1',
      catalog.kubernetes.goPublished,
    )
    expect(split).toEqual({
      stubs: [],
      published: [
        { path: 'k8s.io/api', version: 'v0.33.1' },
        { path: 'k8s.io/client-go', version: 'v0.33.1' },
        { path: 'k8s.io/component-base', version: 'v0.33.1' },
      ],
    })
    expect(catalog.kubectl.goPublished).toBe(catalog.kubernetes.goPublished)
  })

  test("etcd: its own modules under the server's tag, the forbidden-dependency guards stubbed", () => {
    const split = splitLocalReplaces(
      parseGoMod(ETCD_SERVER).localReplaces,
      'v3.5.21',
      catalog.etcd.goPublished,
    )
    expect(split.published).toEqual([
      { path: 'go.etcd.io/etcd/api/v3', version: 'v3.5.21' },
      { path: 'go.etcd.io/etcd/client/pkg/v3', version: 'v3.5.21' },
      // measured: a v3 version for a /v2 module path is a go.mod error; etcd publishes it as v2.305.21
      { path: 'go.etcd.io/etcd/client/v2', version: 'v2.305.21' },
      { path: 'go.etcd.io/etcd/raft/v3', version: 'v3.5.21' },
    ])
    expect(split.stubs).toEqual([
      { path: 'go.etcd.io/etcd', dir: 'stub-0' },
      { path: 'go.etcd.io/tests/v3', dir: 'stub-1' },
    ])
  })

  test('without goPublished every local replace is stubbed, as before', () => {
    const split = splitLocalReplaces([{ path: 'a', version: 'v0.0.0' }, { path: 'b' }], 'v1.0.0')
    expect(split).toEqual({
      stubs: [
        { path: 'a', version: 'v0.0.0', dir: 'stub-0' },
        { path: 'b', dir: 'stub-1' },
      ],
      published: [],
    })
  })
})

describe('kubernetes', () => {
  const targets = goTargets(
    'k8s.io/kubernetes',
    binariesOf('kubernetes'),
    '/s/bin',
    catalog.kubernetes.goVersionVars!('v1.33.1'),
  )

  test('seven commands of one module, kubelet first, with upstream tags', () => {
    expect(targets.map((t) => t.pkg)).toEqual([
      'k8s.io/kubernetes/cmd/kubelet',
      'k8s.io/kubernetes/cmd/kubeadm',
      'k8s.io/kubernetes/cmd/kubectl',
      'k8s.io/kubernetes/cmd/kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager',
      'k8s.io/kubernetes/cmd/kube-scheduler',
      'k8s.io/kubernetes/cmd/kube-proxy',
    ])
    expect(targets.every((t) => t.tags.join(',') === 'selinux,notest')).toBe(true)
  })

  test('both version packages stamped, so --version and `kubectl version` name the release', () => {
    const ld = targets[0]!.ldflags
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'])
      for (const kv of ['gitVersion=v1.33.1', 'gitMajor=1', 'gitMinor=33', 'gitTreeState=clean'])
        expect(ld).toContain(`-X ${pkg}.${kv}`)
    expect(ld).not.toContain('-extldflags')
  })

  test('kubectl alone is built from the same module with the same stamps', () => {
    const [t] = goTargets(
      'k8s.io/kubernetes',
      binariesOf('kubectl'),
      '/s/bin',
      catalog.kubectl.goVersionVars!('v1.33.1'),
    )
    expect(t!.pkg).toBe('k8s.io/kubernetes/cmd/kubectl')
    expect(t!.ldflags).toBe(targets[2]!.ldflags)
  })
})

describe('runc: the one cgo build', () => {
  test('CGO_ENABLED=1, seccomp and static-link tags, -extldflags -static', () => {
    expect(catalog.runc.goStaticCgo).toBe(true)
    const [t] = goTargets('github.com/opencontainers/runc', binariesOf('runc'), '/s/bin', {}, true)
    const step = goBuildStep(t!, '/b', goEnv({}, '-mod=mod', true))
    expect(step.env).toEqual({ GOFLAGS: '-mod=mod', CGO_ENABLED: '1' })
    expect(step.args).toEqual([
      'build',
      '-trimpath',
      '-tags',
      'seccomp,urfave_cli_no_docs,netgo,osusergo',
      '-ldflags',
      '-s -w -extldflags -static',
      '-o',
      '/s/bin/runc',
      'github.com/opencontainers/runc',
    ])
    expect(catalog.runc.buildNeeds!.map((n) => n.apt)).toEqual([
      'gcc',
      'libc6-dev',
      'pkg-config',
      'libseccomp-dev',
    ])
  })

  test('every other Go build stays CGO_ENABLED=0', () => {
    expect(goEnv({}).CGO_ENABLED).toBe('0')
    const others = Object.entries(catalog).filter(([name, spec]) => name !== 'runc' && spec.goStaticCgo)
    expect(others).toEqual([])
  })
})

describe('the smaller Go tools', () => {
  test('CNI plugins: five binaries from their plugin directories, version stamped', () => {
    const targets = goTargets(
      'github.com/containernetworking/plugins',
      binariesOf('cni'),
      '/s/bin',
      catalog.cni.goVersionVars!('v1.9.1'),
    )
    expect(targets.map((t) => t.pkg.replace('github.com/containernetworking/plugins/', ''))).toEqual([
      'plugins/main/bridge',
      'plugins/main/ptp',
      'plugins/ipam/host-local',
      'plugins/main/loopback',
      'plugins/meta/portmap',
    ])
    expect(targets[0]!.ldflags).toBe(
      '-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v1.9.1',
    )
    // a plugin started without CNI_COMMAND prints its version
    expect(catalog.cni.versionArgs).toEqual([])
  })

  test('module-root commands and their version stamps', () => {
    const pkgOf = (tool: 'etcd' | 'coredns' | 'localpath' | 'runc'): string => {
      const recipe = pinOf(tool).build
      if (recipe?.kind !== 'go') throw new Error(`${tool} is not a go recipe`)
      return goTargets(recipe.module, binariesOf(tool), '/s', {})[0]!.pkg
    }
    expect(pkgOf('etcd')).toBe('go.etcd.io/etcd/server/v3')
    expect(pkgOf('coredns')).toBe('github.com/coredns/coredns')
    expect(pkgOf('localpath')).toBe('github.com/rancher/local-path-provisioner')
    expect(pkgOf('runc')).toBe('github.com/opencontainers/runc')
    expect(catalog.localpath.goVersionVars!('v0.0.30')).toEqual({ 'main.VERSION': 'v0.0.30' })
    expect(catalog.crictl.goVersionVars!('v1.34.0')).toEqual({
      'sigs.k8s.io/cri-tools/pkg/version.Version': 'v1.34.0',
    })
  })
})

describe('pause: a C build', () => {
  test("gcc with upstream's flags, the version compiled in", () => {
    expect(cBuildStep('/m/build/pause/linux/pause.c', '/s/bin/pause', '3.10.1')).toMatchObject({
      file: 'gcc',
      args: [
        '-Os',
        '-Wall',
        '-Werror',
        '-static',
        '-DVERSION=v3.10.1',
        '-o',
        '/s/bin/pause',
        '/m/build/pause/linux/pause.c',
      ],
    })
  })

  test('the version the tree builds is read from its Makefile', () => {
    const { pattern, file } = catalog.pause.cVersionIn!
    expect(file).toBe('build/pause/Makefile')
    expect(versionNamedIn('# comment\nTAG ?= 3.10.1\nREV = x\n', pattern)).toBe('3.10.1')
    expect(versionNamedIn('TAG = 3.9\n', pattern)).toBe('3.9')
    expect(versionNamedIn('IMAGE = pause\n', pattern)).toBeUndefined()
  })

  test('the recipe names the module version whose tree holds the source', () => {
    expect(pinOf('pause').build).toEqual({
      kind: 'c',
      module: 'k8s.io/kubernetes',
      moduleVersion: 'v1.33.1',
      file: 'build/pause/linux/pause.c',
    })
  })
})

describe('profiles', () => {
  test('the node-image tools are built for kind only: the local profile (the CI gate) is unchanged', () => {
    expect(profileTools.local).toEqual(['containerd', 'nerdctl', 'stargz', 'scheduler', 'dfdaemon'])
    for (const t of [
      'kubernetes',
      'etcd',
      'coredns',
      'crictl',
      'cni',
      'localpath',
      'runc',
      'pause',
    ] as const) {
      expect(profileTools.kind).toContain(t)
      expect(pinOf(t).build).toBeDefined()
    }
  })

  test('kubernetes, kubectl and pause come from the same kubernetes release', () => {
    const k = pinOf('kubernetes')
    expect(pinOf('kubectl').version).toBe(k.version)
    expect(pinOf('pause').build).toMatchObject({ moduleVersion: k.version })
  })
})

describe('build prerequisites per tool', () => {
  const request = (tool: 'pause' | 'runc' | 'etcd', commands: string[]) => ({
    tool,
    version: pinOf(tool).version,
    pin: pinOf(tool),
    spec: catalog[tool],
    binaries: binariesOf(tool),
    layout: toolLayout('/nonexistent-cache', tool, pinOf(tool).version),
    binDir: '/nonexistent-cache/bin',
    cacheDir: '/nonexistent-cache',
    log: () => {},
    probe: {
      hasCommand: (n: string) => commands.includes(n),
      exists: () => false,
      list: () => [],
      env: () => undefined,
    },
  })

  test('the C build and the cgo build ask for their compiler and static libraries before starting', async () => {
    expect((await fromBuild(request('pause', ['go']))).attempt).toEqual({
      skipped: 'cannot build: missing gcc, libc.a — apt-get install -y gcc libc6-dev',
    })
    expect((await fromBuild(request('runc', ['go', 'gcc', 'pkg-config']))).attempt).toEqual({
      skipped: 'cannot build: missing libc.a, libseccomp.a — apt-get install -y libc6-dev libseccomp-dev',
    })
  })

  test('a plain Go build needs only go', async () => {
    const r = await fromBuild(request('etcd', []))
    expect(r.attempt).toEqual({ skipped: 'cannot build: missing go — go (Go from https://go.dev/dl)' })
  })
})
