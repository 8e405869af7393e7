// The offline kind node image: its recipe (what kind v0.29.0 reads from a node image, the images
// kubeadm v1.33.1 names) and the OCI archive of one-binary images that preloads containerd.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { importContainerdConfig } from '../../../helpers/kind/node-image/build.ts'
import { binaryLayer, imageBlobs, indexJson, writeOciArchive } from '../../../helpers/kind/node-image/oci.ts'
import {
  KIND_NODE_VERSIONS,
  kindNodeImageRef,
  LOCAL_PATH_HELPER,
  kindNodeRecipe,
  POD_CIDR_PLACEHOLDER,
  preloadImages,
  renderCniConflist,
  renderContainerdConfig,
  renderDefaultCniManifest,
  renderDefaultStorageManifest,
  renderEntrypoint,
  renderPodNetworkScript,
} from '../../../helpers/kind/node-image/recipe.ts'
import { parseAllDocuments } from 'yaml'
import { parse as parseToml } from 'smol-toml'

const debian = { suite: 'bookworm', mirror: 'http://mirror.invalid/debian' }

describe('recipe', () => {
  test('the tag is a hash of the whole recipe, under localhost/ so kind podman finds it locally', () => {
    const ref = kindNodeImageRef(kindNodeRecipe(debian))
    expect(ref).toMatch(/^localhost\/d7y-conformance\/kind-node:[0-9a-f]{12}$/)
    expect(kindNodeImageRef(kindNodeRecipe(debian))).toBe(ref)
    expect(kindNodeImageRef(kindNodeRecipe({ suite: 'bookworm' }))).not.toBe(ref)
    expect(
      kindNodeImageRef(kindNodeRecipe(debian, { ...KIND_NODE_VERSIONS, kubernetes: 'v1.33.2' })),
    ).not.toBe(ref)
  })

  test('preloads the images kubeadm v1.33.1 names, CoreDNS and pause under kubeadm tags', () => {
    expect(preloadImages(KIND_NODE_VERSIONS).map((i) => i.name)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.33.1',
      'registry.k8s.io/kube-controller-manager:v1.33.1',
      'registry.k8s.io/kube-scheduler:v1.33.1',
      'registry.k8s.io/kube-proxy:v1.33.1',
      'registry.k8s.io/etcd:3.5.21-0',
      'registry.k8s.io/coredns/coredns:v1.12.0',
      'localhost/d7y-conformance/local-path-provisioner:v0.0.30',
      'localhost/d7y-conformance/local-path-helper:bookworm',
      'registry.k8s.io/pause:3.10',
    ])
    const helper = preloadImages(KIND_NODE_VERSIONS).find((i) => i.name === LOCAL_PATH_HELPER)!
    expect(helper).toMatchObject({ rootfsBinary: '/usr/bin/busybox', path: '/bin/busybox' })
    expect(helper.links?.['/bin/sh']).toBe('busybox')
    const coredns = preloadImages(KIND_NODE_VERSIONS).find((i) => i.binary === 'coredns')!
    expect(coredns).toMatchObject({ version: 'v1.14.7', path: '/coredns', entrypoint: ['/coredns'] })
    const proxy = preloadImages(KIND_NODE_VERSIONS).find((i) => i.binary === 'kube-proxy')!
    expect(proxy.fromRootfs).toEqual(expect.arrayContaining(['/usr/sbin/iptables-restore', '/usr/sbin/nft']))
  })

  test('files kind reads: version, CNI manifest, entrypoint that names cgroup v1 and execs init', () => {
    const r = kindNodeRecipe(debian)
    expect(r.files['/kind/version']).toBe('v1.33.1')
    expect(r.files['/kind/manifests/default-cni.yaml']).toBe(renderDefaultCniManifest())
    expect(r.changes).toContain('ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]')
    expect(r.changes).toContain('STOPSIGNAL SIGRTMIN+3')
    for (const exe of r.executables) expect(r.files[exe]).toMatch(/^#!\/bin\/(ba)?sh\n/)
    // kind v0.29.0 waits for this line (or systemd's multi-user target) in the container log
    expect(renderEntrypoint()).toContain("note 'detected cgroup v1'")
    expect(renderEntrypoint().trimEnd().endsWith('exec "$@"')).toBe(true)
  })

  test('shell files parse with bash -n', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'node-image-'))
    const r = kindNodeRecipe(debian)
    for (const exe of r.executables) {
      const file = path.join(dir, path.basename(exe))
      writeFileSync(file, r.files[exe]!)
      execFileSync('bash', ['-n', file])
    }
  })

  test('containerd config: version 3, the snapshotter kind reads, sandbox = the preloaded pause', () => {
    const cfg = parseToml(renderContainerdConfig(KIND_NODE_VERSIONS)) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cfg.version).toBe(3)
    const images = cfg.plugins['io.containerd.cri.v1.images']
    expect(images.snapshotter).toBe('overlayfs')
    expect(images.pinned_images.sandbox).toBe('registry.k8s.io/pause:3.10')
    const runtime = cfg.plugins['io.containerd.cri.v1.runtime']
    expect(runtime.restrict_oom_score_adj).toBe(true)
    expect(runtime.containerd.runtimes.runc.options).toMatchObject({ SystemdCgroup: true })
  })

  test('CNI: bridge + host-local template filled by the pod-network service with the podCIDR', () => {
    const conf = JSON.parse(renderCniConflist('10.244.3.0/24'))
    expect(conf.plugins[0]).toMatchObject({ type: 'bridge', ipam: { type: 'host-local' } })
    expect(conf.plugins[0].ipam.ranges[0][0].subnet).toBe('10.244.3.0/24')
    expect(kindNodeRecipe(debian).files['/kind/cni/10-d7y-bridge.conflist']).toContain(POD_CIDR_PLACEHOLDER)
    const script = renderPodNetworkScript()
    expect(script).toContain(`s#${POD_CIDR_PLACEHOLDER}#$cidr#`)
    expect(script).toContain('-s "$cidr" ! -d "$cidr" -j MASQUERADE')
    expect(script).toContain('ip route replace "$cidr" via "$address"')
  })

  test('default-cni.yaml lets the group system:nodes list nodes and carries the template', () => {
    const docs = parseAllDocuments(renderDefaultCniManifest()).map((d) => d.toJS())
    expect(docs.map((d) => d.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap'])
    expect(docs[0].rules[0]).toMatchObject({ resources: ['nodes'], verbs: ['get', 'list'] })
    expect(docs[1].subjects[0]).toMatchObject({ kind: 'Group', name: 'system:nodes' })
    expect(JSON.parse(docs[2].data['10-d7y-bridge.conflist']).name).toBe('d7y-bridge')
  })

  test('default-storage.yaml: local-path-provisioner as default class "standard", preloaded images', () => {
    const docs = parseAllDocuments(renderDefaultStorageManifest(KIND_NODE_VERSIONS)).map((d) => d.toJS())
    const sc = docs.find((d) => d.kind === 'StorageClass')
    expect(sc).toMatchObject({ metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path' })
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true')
    const deploy = docs.find((d) => d.kind === 'Deployment')
    const names = preloadImages(KIND_NODE_VERSIONS).map((i) => i.name)
    expect(names).toContain(deploy.spec.template.spec.containers[0].image)
    const cm = docs.find((d) => d.kind === 'ConfigMap')
    expect(cm.data['helperPod.yaml']).toContain(`image: ${LOCAL_PATH_HELPER}`)
    expect(JSON.parse(cm.data['config.json']).nodePathMap[0].paths).toEqual(['/var/local-path-provisioner'])
    expect(kindNodeRecipe(debian).files['/kind/manifests/default-storage.yaml']).toBe(
      renderDefaultStorageManifest(KIND_NODE_VERSIONS),
    )
  })

  test('the build-time containerd keeps its store in the rootfs and runs no CRI', () => {
    const cfg = parseToml(importContainerdConfig('/build/rootfs', '/tmp/s')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cfg.root).toBe('/build/rootfs/var/lib/containerd')
    expect(cfg.grpc.address).toBe('/tmp/s/containerd.sock')
    expect(cfg.disabled_plugins).toContain('io.containerd.grpc.v1.cri')
  })
})

describe('OCI archive', () => {
  const image = {
    name: 'registry.k8s.io/pause:3.10',
    path: '/pause',
    content: Buffer.from('ELF'),
    entrypoint: ['/pause'],
  }

  test('layers and digests are the same for the same binary', async () => {
    const a = await imageBlobs(image)
    const b = await imageBlobs(image)
    expect(a.manifest.digest).toBe(b.manifest.digest)
    expect((await imageBlobs({ ...image, content: Buffer.from('ELF2') })).manifest.digest).not.toBe(
      a.manifest.digest,
    )
  })

  test('the layer holds /tmp, parents, the binary 0755 and extra files once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'layer-'))
    const file = path.join(dir, 'layer.tar')
    writeFileSync(
      file,
      await binaryLayer({
        path: '/usr/local/bin/kube-proxy',
        content: Buffer.from('x'),
        extra: [
          {
            path: '/usr/sbin/iptables',
            type: 'symlink',
            mode: 0o777,
            linkname: '/etc/alternatives/iptables',
          },
          {
            path: '/usr/sbin/iptables',
            type: 'symlink',
            mode: 0o777,
            linkname: '/etc/alternatives/iptables',
          },
        ],
      }),
    )
    const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' })
    expect(listing).toMatch(/drwxrwxrwt .* tmp\//)
    expect(listing).toMatch(/-rwxr-xr-x .* usr\/local\/bin\/kube-proxy/)
    expect(listing).toMatch(/usr\/sbin\/iptables -> \/etc\/alternatives\/iptables/)
    expect(listing.match(/usr\/sbin\/iptables/g)).toHaveLength(1)
    expect(listing).toMatch(/usr\/local\/\n/)
  })

  test('index.json names each image as containerd import reads it', () => {
    const index = JSON.parse(indexJson([{ name: image.name, manifest: { digest: 'sha256:ab', size: 2 } }]))
    expect(index.manifests[0].annotations).toEqual({
      'io.containerd.image.name': 'registry.k8s.io/pause:3.10',
      'org.opencontainers.image.ref.name': '3.10',
    })
  })

  test('the archive is an OCI layout with every blob', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'oci-'))
    const file = path.join(dir, 'images.tar')
    await writeOciArchive(file, [image, { ...image, name: 'registry.k8s.io/pause:3.10.1' }])
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')
    expect(names[0]).toBe('oci-layout')
    expect(names.at(-1)).toBe('index.json')
    // the same image under two names: its three blobs once
    expect(names.filter((n) => n.startsWith('blobs/sha256/'))).toHaveLength(3)
    const index = JSON.parse(execFileSync('tar', ['-xOf', file, 'index.json'], { encoding: 'utf8' }))
    expect(index.manifests).toHaveLength(2)
    expect(readFileSync(file).length).toBeGreaterThan(0)
  })
})
