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
        sha256: 'PENDING',
      },
      build: { kind: 'go', module: 'sigs.k8s.io/kind', pkg: '' },
    },
    kubectl: {
      version: 'v1.33.1',
      release: { url: 'https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl', sha256: 'PENDING' },
    },
    helm: {
      version: 'v3.18.3',
      release: {
        url: 'https://get.helm.sh/helm-v3.18.3-linux-amd64.tar.gz',
        sha256: 'PENDING',
        member: 'linux-amd64/helm',
      },
      build: { kind: 'go', module: 'helm.sh/helm/v3', pkg: 'cmd/helm' },
    },
    nerdctl: {
      version: 'v2.1.3',
      release: {
        url: 'https://github.com/containerd/nerdctl/releases/download/v2.1.3/nerdctl-2.1.3-linux-amd64.tar.gz',
        sha256: 'PENDING',
        member: 'nerdctl',
      },
      build: { kind: 'go', module: 'github.com/containerd/nerdctl/v2', pkg: 'cmd/nerdctl' },
    },
    containerd: {
      version: 'v2.2.1',
      release: {
        url: 'https://github.com/containerd/containerd/releases/download/v2.2.1/containerd-2.2.1-linux-amd64.tar.gz',
        sha256: 'PENDING',
        member: 'bin/containerd',
      },
      build: { kind: 'go', module: 'github.com/containerd/containerd/v2', pkg: 'cmd/containerd' },
    },
    stargz: {
      version: 'v0.19.1',
      release: {
        url: 'https://github.com/containerd/stargz-snapshotter/releases/download/v0.19.1/stargz-snapshotter-v0.19.1-linux-amd64.tar.gz',
        sha256: 'PENDING',
        member: 'containerd-stargz-grpc',
      },
      build: { kind: 'go-wrapper', module: 'github.com/containerd/stargz-snapshotter', dir: 'tools/stargz-grpc' },
    },
    scheduler: {
      version: 'v2.5.1',
      release: {
        url: 'https://github.com/dragonflyoss/dragonfly/releases/download/v2.5.1/dragonfly-v2.5.1-linux-amd64.tar.gz',
        sha256: 'PENDING',
        member: 'scheduler',
      },
      build: { kind: 'go', module: 'd7y.io/dragonfly/v2', pkg: 'cmd/scheduler' },
    },
    dfdaemon: {
      version: 'v1.5.0',
      release: {
        url: 'https://github.com/dragonflyoss/client/releases/download/v1.5.0/dragonfly-client-v1.5.0-x86_64-unknown-linux-gnu.tar.gz',
        sha256: 'PENDING',
        member: 'dfdaemon',
      },
      build: { kind: 'cargo', crate: 'dragonfly-client', bin: 'dfdaemon' },
    },
  } satisfies Record<string, ToolPin>,
  chart: { repository: 'https://dragonflyoss.github.io/helm-charts/', name: 'dragonfly', version: '1.5.0' },
  images: {
    kindNode: { repository: 'kindest/node', tag: 'v1.33.1' },
    scheduler: { repository: 'dragonflyoss/scheduler', tag: 'v2.5.1' },
    client: { repository: 'dragonflyoss/client', tag: 'v1.5.0' },
    registry: { repository: 'registry', tag: '2.8.3' },
  } satisfies Record<string, ImagePin>,
} as const

export type ToolName = keyof typeof versions.tools
