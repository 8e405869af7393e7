// The one pinned table: every tool and image the suite uses, with where it comes from.
// `sha256` is the checksum of the downloadable release artifact (users' machines download it);
// `build` says how the tool is built from package registries where downloads are impossible.
// A version override (D7Y_<NAME>_VERSION) without a matching checksum can only be built, never downloaded.

export interface ReleaseArtifact {
  url: string
  sha256: string
  /** path of the binary inside the archive (absent: the download is the binary) */
  member?: string
}

export interface ToolPin {
  version: string
  /** official release download, per architecture (only linux/amd64 is pinned) */
  release?: ReleaseArtifact
  /** how to build it from a package registry when no download is possible */
  build?:
    | { kind: 'go'; module: string; pkg: string }
    | { kind: 'cargo'; crate: string; bin: string }
    | { kind: 'go-wrapper'; module: string; dir: string }
    | { kind: 'debian'; package: string }
    | { kind: 'c'; module: string; moduleVersion: string; file: string }
}

export interface ImagePin {
  repository: string
  tag: string
  digest?: string
}

// asset name from .goreleaser.yml at v2.5.1: dragonfly-{{ .Version }}-{{ .Os }}-{{ .Arch }} (no "v");
// one archive holds the scheduler and the manager
const DRAGONFLY_V2_ARCHIVE =
  'https://github.com/dragonflyoss/dragonfly/releases/download/v2.5.1/dragonfly-2.5.1-linux-amd64.tar.gz'

export const versions = {
  tools: {
    kind: {
      version: 'v0.29.0',
      release: {
        url: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.29.0/kind-linux-amd64',
        // cashapp/hermit-packages kind.hcl; cert-manager/makefile-modules modules/tools/00_mod.mk @62d33e69
        sha256: 'c72eda46430f065fb45c5f70e7c957cc9209402ef309294821978677c8fb3284',
      },
      build: { kind: 'go', module: 'sigs.k8s.io/kind', pkg: '' },
    },
    kubectl: {
      version: 'v1.33.1',
      release: {
        url: 'https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl',
        // kubernetes-sigs/kubespray roles/kubespray_defaults/vars/main/checksums.yml @8ad1253b (kubectl_checksums)
        sha256: '5de4e9f2266738fd112b721265a0c1cd7f4e5208b670f811861f699474a100a3',
      },
      build: { kind: 'go', module: 'k8s.io/kubernetes', pkg: 'cmd/kubectl' },
    },
    // The node and control-plane binaries of a kind node image, at the node image's version (the
    // release ships them as separate downloads, so only the build is pinned). The catalog lists them.
    kubernetes: {
      version: 'v1.33.1',
      build: { kind: 'go', module: 'k8s.io/kubernetes', pkg: 'cmd/kubelet' },
    },
    // kubeadm v1.33.1's default etcd (cmd/kubeadm/app/constants: DefaultEtcdVersion 3.5.21-0)
    etcd: {
      version: 'v3.5.21',
      release: {
        url: 'https://github.com/etcd-io/etcd/releases/download/v3.5.21/etcd-v3.5.21-linux-amd64.tar.gz',
        // kubespray checksums.yml (etcd_binary_checksums) @005bdce7
        sha256: 'adddda4b06718e68671ffabff2f8cee48488ba61ad82900e639d108f2148501c',
        member: 'etcd-v3.5.21-linux-amd64/etcd',
      },
      build: { kind: 'go', module: 'go.etcd.io/etcd/server/v3', pkg: '' },
    },
    // kubeadm v1.33.1 defaults to CoreDNS v1.12.0, which the Go module proxy does not serve; v1.14.3
    // is the oldest it does. A node image built with this one must name its tag in the kubeadm config.
    coredns: {
      version: 'v1.14.7',
      release: {
        url: 'https://github.com/coredns/coredns/releases/download/v1.14.7/coredns_1.14.7_linux_amd64.tgz',
        // PENDING: no stored copy of the release's .sha256 file; a single unattributed record of it was
        // found, not enough to pin on
        sha256: 'PENDING',
        member: 'coredns',
      },
      build: { kind: 'go', module: 'github.com/coredns/coredns', pkg: '' },
    },
    // v1.33.x is not served by the Go module proxy; crictl speaks CRI v1 to any recent containerd.
    crictl: {
      version: 'v1.34.0',
      release: {
        url: 'https://github.com/kubernetes-sigs/cri-tools/releases/download/v1.34.0/crictl-v1.34.0-linux-amd64.tar.gz',
        // kubespray checksums.yml (crictl_checksums) @005bdce7
        sha256: 'a8ff2a3edb37a98daf3aba7c3b284fe0aa5bff24166d896ab9ef64c8913c9f51',
        member: 'crictl',
      },
      build: { kind: 'go', module: 'sigs.k8s.io/cri-tools', pkg: 'cmd/crictl' },
    },
    // containernetworking/plugins: the CNI plugins a kind node's network config calls
    cni: {
      version: 'v1.9.1',
      release: {
        url: 'https://github.com/containernetworking/plugins/releases/download/v1.9.1/cni-plugins-linux-amd64-v1.9.1.tgz',
        // kubespray's cni_binary_checksums stops at 1.8.0; two independent public pins of this asset found
        // in the code index agree (a Go artifact table and a CI install script)
        sha256: 'b98f74a0f8522f0a83867178729c1aa70f2158f90c45a2ca8fa791db1c76b303',
        member: 'bridge',
      },
      build: { kind: 'go', module: 'github.com/containernetworking/plugins', pkg: 'plugins/main/bridge' },
    },
    // rancher/local-path-provisioner (kind's default StorageClass): the only version the Go module proxy
    // serves; upstream releases it as a container image only
    localpath: {
      version: 'v0.0.30',
      build: { kind: 'go', module: 'github.com/rancher/local-path-provisioner', pkg: '' },
    },
    runc: {
      version: 'v1.4.3',
      release: {
        url: 'https://github.com/opencontainers/runc/releases/download/v1.4.3/runc.amd64',
        // PENDING: kubespray's runc_checksums stops at 1.3.4; no other pin of this asset was found
        sha256: 'PENDING',
      },
      build: { kind: 'go', module: 'github.com/opencontainers/runc', pkg: '' },
    },
    // The sandbox container's only binary. 3.10.1 is build/pause/Makefile's TAG in the kubernetes tree
    // the node binaries come from (kubeadm v1.33.1 itself still names pause 3.10). Released as an image only.
    pause: {
      version: '3.10.1',
      build: {
        kind: 'c',
        module: 'k8s.io/kubernetes',
        moduleVersion: 'v1.33.1',
        file: 'build/pause/linux/pause.c',
      },
    },
    helm: {
      version: 'v3.18.3',
      release: {
        url: 'https://get.helm.sh/helm-v3.18.3-linux-amd64.tar.gz',
        // kubespray checksums.yml (helm_archive_checksums); cashapp/hermit-packages helm.hcl
        sha256: '6ec85f306dd8fe9eb05c61ba4593182b2afcfefb52f21add3fe043ebbdc48e39',
        member: 'linux-amd64/helm',
      },
      build: { kind: 'go', module: 'helm.sh/helm/v3', pkg: 'cmd/helm' },
    },
    nerdctl: {
      version: 'v2.1.3',
      release: {
        url: 'https://github.com/containerd/nerdctl/releases/download/v2.1.3/nerdctl-2.1.3-linux-amd64.tar.gz',
        // kubespray checksums.yml (nerdctl_archive_checksums)
        sha256: '227390fb16c20d6ab3a7588e5ce72202df1bec7960a2a091599ce3c1bf3fd1d8',
        member: 'nerdctl',
      },
      build: { kind: 'go', module: 'github.com/containerd/nerdctl/v2', pkg: 'cmd/nerdctl' },
    },
    containerd: {
      version: 'v2.2.1',
      release: {
        url: 'https://github.com/containerd/containerd/releases/download/v2.2.1/containerd-2.2.1-linux-amd64.tar.gz',
        // kubespray checksums.yml (containerd_archive_checksums, the non-static tarball)
        sha256: 'f5d8e90ecb6c1c7e33ecddf8cc268a93b9e5b54e0e850320d765511d76624f41',
        member: 'bin/containerd',
      },
      build: { kind: 'go', module: 'github.com/containerd/containerd/v2', pkg: 'cmd/containerd' },
    },
    stargz: {
      // the pin; v0.19.1 (the module proxy has it, 2026-12-05; the mirrored GitHub tags stop at v0.18.2)
      // is the upgrade gate's TO side (npm run conformance:upgrade)
      version: 'v0.18.2',
      release: {
        url: 'https://github.com/containerd/stargz-snapshotter/releases/download/v0.18.2/stargz-snapshotter-v0.18.2-linux-amd64.tar.gz',
        // containerd/nerdctl Dockerfile.d/SHA256SUMS.d/stargz-snapshotter-v0.18.2
        sha256: '515a3c3af0012f192ace31fb79e910597977c77227e976680aeaaef6e9ae50a9',
        member: 'containerd-stargz-grpc',
      },
      build: {
        kind: 'go-wrapper',
        module: 'github.com/containerd/stargz-snapshotter',
        dir: 'tools/stargz-grpc',
      },
    },
    scheduler: {
      version: 'v2.5.1',
      release: {
        url: DRAGONFLY_V2_ARCHIVE,
        // PENDING: no stored copy of the release's checksums.txt or any pin of this asset was found
        sha256: 'PENDING',
        member: 'scheduler',
      },
      build: { kind: 'go', module: 'd7y.io/dragonfly/v2', pkg: 'cmd/scheduler' },
    },
    // The chart's scheduler and seed-client wait for a manager; the kind profile runs it (same release).
    manager: {
      version: 'v2.5.1',
      release: {
        url: DRAGONFLY_V2_ARCHIVE,
        // PENDING: as the scheduler's (the same archive)
        sha256: 'PENDING',
        member: 'manager',
      },
      build: { kind: 'go', module: 'd7y.io/dragonfly/v2', pkg: 'cmd/manager' },
    },
    // The chart's probes exec /bin/grpc_health_probe in the manager, scheduler and client images.
    grpcHealthProbe: {
      version: 'v0.4.63',
      build: { kind: 'go', module: 'github.com/grpc-ecosystem/grpc-health-probe', pkg: '' },
    },
    dfdaemon: {
      version: 'v1.5.0',
      release: {
        url: 'https://github.com/dragonflyoss/client/releases/download/v1.5.0/dragonfly-client-v1.5.0-x86_64-unknown-linux-gnu.tar.gz',
        // PENDING: the release workflow publishes no checksum file and no pin of this asset was found
        sha256: 'PENDING',
        member: 'dragonfly-client-v1.5.0-x86_64-unknown-linux-gnu/dfdaemon',
      },
      build: { kind: 'cargo', crate: 'dragonfly-client', bin: 'dfdaemon' },
    },
  } satisfies Record<string, ToolPin>,
  // 1.7.4 is the newest chart found (appVersion 2.5.0: scheduler v2.5.0, client v1.4.0); no stored chart with
  // scheduler v2.5.1 and client v1.5.0 was found, so image tags below must be set explicitly when installing.
  chart: { repository: 'https://dragonflyoss.github.io/helm-charts/', name: 'dragonfly', version: '1.7.4' },
  images: {
    // kind v0.29.0 pkg/apis/config/defaults/image.go
    kindNode: {
      repository: 'kindest/node',
      tag: 'v1.33.1',
      digest: 'sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f',
    },
    scheduler: { repository: 'dragonflyoss/scheduler', tag: 'v2.5.1' },
    client: { repository: 'dragonflyoss/client', tag: 'v1.5.0' },
    // The chart's init containers (default busybox:latest, unpinned). Index digest of 1.36.1 as pinned
    // by several independent public repositories (Docker Hub is not reachable here to read it).
    initContainer: {
      repository: 'busybox',
      tag: '1.36.1',
      digest: 'sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662',
    },
    // The test images' base where one can be pulled (online); else debootstrap builds them. Index
    // digest as pinned by several independent public repositories, one of them kept by Renovate.
    testImageBase: {
      repository: 'debian',
      tag: 'bookworm-slim',
      digest: 'sha256:d5d3f9c23164ea16f31852f95bd5959aad1c5e854332fe00f7b3a20fcc9f635c',
    },
    // index digest as pinned by several independent public repositories
    registry: {
      repository: 'registry',
      tag: '2.8.3',
      digest: 'sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373',
    },
  } satisfies Record<string, ImagePin>,
} as const

export type ToolName = keyof typeof versions.tools
