import { describe, expect, test } from 'vitest'
import { parse, type TomlTable } from 'smol-toml'
import {
  configVersionForContainerd,
  containerdConfigVersion,
  mergeContainerdConfig,
  mergeContainerdConfigForMajor,
  renderContainerdPatch,
} from '../../../helpers/render/containerd-config.ts'

// Shaped like a kind node's /etc/containerd/config.toml (version 2, its own proxy plugin, runc options).
const KIND_LIKE_V2 = `
version = 2

[proxy_plugins]
[proxy_plugins."fuse-overlayfs"]
  type = "snapshot"
  address = "/run/containerd-fuse-overlayfs.sock"

[plugins."io.containerd.grpc.v1.cri".containerd]
  discard_unpacked_layers = true
  snapshotter = "overlayfs"
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
`

const CONTAINERD2_V3 = `
version = 3
root = "/var/lib/containerd"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "registry.k8s.io/pause:3.10"

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  SystemdCgroup = true
`

type Any = TomlTable

function dig(t: TomlTable, ...path: string[]): unknown {
  let cur: unknown = t
  for (const k of path) cur = (cur as Record<string, unknown> | undefined)?.[k]
  return cur
}

describe('containerd config merge, version 2 (containerd 1.x)', () => {
  const merged = parse(mergeContainerdConfig(KIND_LIKE_V2)) as Any

  test('the stargz proxy plugin', () => {
    expect(dig(merged, 'proxy_plugins', 'stargz')).toEqual({
      type: 'snapshot',
      address: '/run/containerd-stargz-grpc/containerd-stargz-grpc.sock',
    })
  })

  test('CRI uses stargz and passes snapshot annotations', () => {
    const cri = dig(merged, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd') as Record<string, unknown>
    expect(cri.snapshotter).toBe('stargz')
    expect(cri.disable_snapshot_annotations).toBe(false)
  })

  test('keeps everything else', () => {
    expect(merged.version).toBe(2)
    expect(dig(merged, 'proxy_plugins', 'fuse-overlayfs', 'address')).toBe(
      '/run/containerd-fuse-overlayfs.sock',
    )
    expect(dig(merged, 'plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image')).toBe(
      'registry.k8s.io/pause:3.10',
    )
    expect(dig(merged, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'discard_unpacked_layers')).toBe(
      true,
    )
    expect(
      dig(
        merged,
        'plugins',
        'io.containerd.grpc.v1.cri',
        'containerd',
        'runtimes',
        'runc',
        'options',
        'SystemdCgroup',
      ),
    ).toBe(true)
    expect(dig(merged, 'plugins', 'io.containerd.cri.v1.images')).toBeUndefined()
  })

  test('is idempotent', () => {
    const once = mergeContainerdConfig(KIND_LIKE_V2)
    expect(mergeContainerdConfig(once)).toBe(once)
  })
})

describe('containerd config merge, version 3 (containerd 2.x)', () => {
  const merged = parse(mergeContainerdConfig(CONTAINERD2_V3)) as Any

  test('the CRI image plugin uses stargz and passes snapshot annotations', () => {
    const images = dig(merged, 'plugins', 'io.containerd.cri.v1.images') as Record<string, unknown>
    expect(images.snapshotter).toBe('stargz')
    expect(images.disable_snapshot_annotations).toBe(false)
    expect(dig(merged, 'plugins', 'io.containerd.grpc.v1.cri')).toBeUndefined()
  })

  test('the stargz proxy plugin', () => {
    expect(dig(merged, 'proxy_plugins', 'stargz', 'type')).toBe('snapshot')
  })

  test('keeps everything else', () => {
    expect(merged.version).toBe(3)
    expect(merged.root).toBe('/var/lib/containerd')
    expect(dig(merged, 'plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox')).toBe(
      'registry.k8s.io/pause:3.10',
    )
    expect(
      dig(merged, 'plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc', 'options'),
    ).toEqual({ SystemdCgroup: true })
  })
})

describe('containerd config versions', () => {
  test('an empty file takes the default version', () => {
    const v3 = parse(mergeContainerdConfig('', { defaultVersion: 3 })) as Any
    expect(v3.version).toBe(3)
    expect(dig(v3, 'plugins', 'io.containerd.cri.v1.images', 'snapshotter')).toBe('stargz')
    expect(() => mergeContainerdConfig('')).toThrow(/no version/)
  })

  test('version 1 and unknown versions are refused', () => {
    expect(() =>
      mergeContainerdConfig('[plugins.cri]\nsandbox_image = "x"\n', { defaultVersion: 2 }),
    ).toThrow(/no version/)
    expect(() => mergeContainerdConfig('version = 4\n')).toThrow(/not supported/)
  })

  test('a non-table in the way is an error, not overwritten', () => {
    expect(() => mergeContainerdConfig('version = 2\nproxy_plugins = "x"\n')).toThrow(
      /proxy_plugins is not a table/,
    )
  })

  test('the containerd release decides the native version', () => {
    expect(configVersionForContainerd('v2.2.1')).toBe(3)
    expect(configVersionForContainerd('1.7.34')).toBe(2)
    expect(() => configVersionForContainerd('main')).toThrow()
    expect(containerdConfigVersion(KIND_LIKE_V2)).toBe(2)
    expect(containerdConfigVersion('')).toBeUndefined()
  })

  test('the committed patches are the change alone', () => {
    const v2 = parse(renderContainerdPatch(2)) as Any
    expect(Object.keys(v2).sort()).toEqual(['plugins', 'proxy_plugins', 'version'])
    expect(dig(v2, 'plugins', 'io.containerd.grpc.v1.cri', 'containerd')).toEqual({
      snapshotter: 'stargz',
      disable_snapshot_annotations: false,
    })
    const v3 = parse(renderContainerdPatch(3)) as Any
    expect(dig(v3, 'plugins')).toEqual({
      'io.containerd.cri.v1.images': { snapshotter: 'stargz', disable_snapshot_annotations: false },
    })
  })
})

describe('merge by containerd major version', () => {
  test('an empty file gets the native format; an existing file keeps its own', () => {
    expect(containerdConfigVersion(mergeContainerdConfigForMajor('', 2))).toBe(3)
    expect(containerdConfigVersion(mergeContainerdConfigForMajor('', 1))).toBe(2)
    expect(containerdConfigVersion(mergeContainerdConfigForMajor(KIND_LIKE_V2, 2))).toBe(2)
  })
})
