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
}

export interface ImagePin {
  repository: string
  tag: string
  digest?: string
}

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
      // v0.19.x is not released; v0.18.2 is the newest tag
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
        // asset name from .goreleaser.yml at v2.5.1: dragonfly-{{ .Version }}-{{ .Os }}-{{ .Arch }} (no "v")
        url: 'https://github.com/dragonflyoss/dragonfly/releases/download/v2.5.1/dragonfly-2.5.1-linux-amd64.tar.gz',
        // PENDING: no stored copy of the release's checksums.txt or any pin of this asset was found
        sha256: 'PENDING',
        member: 'scheduler',
      },
      build: { kind: 'go', module: 'd7y.io/dragonfly/v2', pkg: 'cmd/scheduler' },
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
    // index digest as pinned by several independent public repositories
    registry: {
      repository: 'registry',
      tag: '2.8.3',
      digest: 'sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373',
    },
  } satisfies Record<string, ImagePin>,
} as const

export type ToolName = keyof typeof versions.tools
