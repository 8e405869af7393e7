// What the resolver needs to know about each tool beyond its pin in helpers/base/versions.ts: which
// binaries make it up, how each asks for its version, and how a source build stamps that version.
import type { Profile } from '../run/config.ts'
import { versions, type ToolName, type ToolPin } from '../base/versions.ts'
import { staticCPrerequisites, staticSeccompPrerequisites, type Prerequisite } from './prerequisites.ts'

export interface BinarySpec {
  /** file name under bin/ */
  name: string
  /** path inside the release archive (default: the pin's `member` for the first binary, else `name`) */
  member?: string
  /** Go package inside the module for 'go' builds (default: the pin's `build.pkg` for the first binary) */
  goPackage?: string
  goTags?: string[]
  /** shipped by the release but not produced by the source build: taken when present */
  optional?: boolean
}

export interface ToolSpec {
  /** the first one is the tool's primary binary */
  binaries: BinarySpec[]
  /** arguments that make the primary binary print its version */
  versionArgs: string[]
  /** `-X pkg.var=value` assignments so a source build reports its version like the release does */
  goVersionVars?: (version: string) => Record<string, string>
  /**
   * Files of the upstream module left out of a source build (paths inside the module). For non-test
   * files that only serve upstream's tests and import a module upstream never published.
   */
  goLeaveOut?: string[]
  /**
   * For local replaces in the upstream go.mod (modules it takes from its own tree) that upstream also
   * publishes: the published version to use, given the tool's version. Undefined keeps the empty stub.
   */
  goPublished?: (modulePath: string, version: string) => string | undefined
  /** a cgo build, linked statically (CGO_ENABLED=1); every other Go build here has CGO_ENABLED=0 */
  goStaticCgo?: boolean
  /** what the build needs on the machine beyond its recipe's toolchain (C compiler, static libraries) */
  buildNeeds?: readonly Prerequisite[]
  /** 'c' builds: where the source tree names the version it builds, so another version is refused */
  cVersionIn?: { file: string; pattern: RegExp }
}

/** -X assignments of the version packages kube binaries report from (both, as upstream's build does). */
function kubernetesVersionVars(version: string): Record<string, string> {
  const [, major = '', minor = ''] = /^v(\d+)\.(\d+)\./.exec(version) ?? []
  const values = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' }
  return Object.fromEntries(
    ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) =>
      Object.entries(values).map(([k, v]) => [`${pkg}.${k}`, v]),
    ),
  )
}

/** k8s.io/kubernetes vX.Y.Z takes its staging modules (k8s.io/api, …) from its tree; they are published as v0.Y.Z. */
function kubernetesStaging(modulePath: string, version: string): string | undefined {
  return modulePath.startsWith('k8s.io/') ? version.replace(/^v1\./, 'v0.') : undefined
}

/**
 * etcd's server/v3 takes api, client, pkg and raft from etcd's tree; they are published under the
 * release's tag, except client/v2, which is published as v2.3<minor, two digits>.<patch> (v2.305.21).
 */
function etcdModules(modulePath: string, version: string): string | undefined {
  if (!modulePath.startsWith('go.etcd.io/etcd/')) return undefined
  if (!modulePath.endsWith('/v2')) return version
  const [, minor = '', patch = ''] = /^v3\.(\d+)\.(\d+)/.exec(version) ?? []
  return `v2.3${minor.padStart(2, '0')}.${patch}`
}

/** Upstream builds kube binaries with these tags. */
const KUBE_TAGS = ['selinux', 'notest']

const kube = (name: string): BinarySpec => ({ name, goPackage: `cmd/${name}`, goTags: KUBE_TAGS })

const cniPlugin = (name: string, dir: string): BinarySpec => ({
  name,
  goPackage: `plugins/${dir}/${name}`,
})

/**
 * d7y.io/dragonfly/v2 commands (scheduler, manager): v2.5.1's version package still says GitVersion
 * "v2.5.0"; upstream's build script puts the release tag in GitCommit. Set both so a source build
 * names the version it was built from.
 */
const dragonflyVersionVars = (v: string): Record<string, string> => ({
  'd7y.io/dragonfly/v2/version.GitVersion': v,
  'd7y.io/dragonfly/v2/version.GitCommit': v,
})

export const catalog: Record<ToolName, ToolSpec> = {
  kind: { binaries: [{ name: 'kind' }], versionArgs: ['version'] },
  kubectl: {
    binaries: [kube('kubectl')],
    versionArgs: ['version', '--client'],
    goVersionVars: kubernetesVersionVars,
    goPublished: kubernetesStaging,
  },
  // CGO_ENABLED=0 like every Go build here, kubelet included (upstream links kubelet with cgo).
  kubernetes: {
    binaries: [
      kube('kubelet'),
      kube('kubeadm'),
      kube('kubectl'),
      kube('kube-apiserver'),
      kube('kube-controller-manager'),
      kube('kube-scheduler'),
      kube('kube-proxy'),
    ],
    versionArgs: ['--version'],
    goVersionVars: kubernetesVersionVars,
    goPublished: kubernetesStaging,
  },
  // Local replaces etcdModules does not name (FORBIDDEN_DEPENDENCY guards) stay stubs.
  etcd: {
    binaries: [{ name: 'etcd' }],
    versionArgs: ['--version'],
    goPublished: etcdModules,
  },
  // The version is a constant in coremain; nothing to stamp.
  coredns: { binaries: [{ name: 'coredns' }], versionArgs: ['-version'] },
  crictl: {
    binaries: [{ name: 'crictl' }],
    versionArgs: ['--version'],
    goVersionVars: (v) => ({ 'sigs.k8s.io/cri-tools/pkg/version.Version': v }),
  },
  // The plugins a kind node's CNI config uses. Run without CNI_COMMAND, a plugin prints its version.
  cni: {
    binaries: [
      cniPlugin('bridge', 'main'),
      cniPlugin('ptp', 'main'),
      cniPlugin('host-local', 'ipam'),
      cniPlugin('loopback', 'main'),
      cniPlugin('portmap', 'meta'),
    ],
    versionArgs: [],
    goVersionVars: (v) => ({
      'github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion': v,
    }),
  },
  localpath: {
    binaries: [{ name: 'local-path-provisioner' }],
    versionArgs: ['--version'],
    goVersionVars: (v) => ({ 'main.VERSION': v }),
  },
  // cgo: the seccomp filter comes from libseccomp and libcontainer's nsenter is C. Linked statically
  // (netgo, osusergo: no glibc NSS at run time) so it runs in any node image; the other tags are
  // upstream's defaults. The version is embedded from the module's VERSION file.
  runc: {
    binaries: [{ name: 'runc', goTags: ['seccomp', 'urfave_cli_no_docs', 'netgo', 'osusergo'] }],
    versionArgs: ['--version'],
    goStaticCgo: true,
    buildNeeds: staticSeccompPrerequisites,
  },
  pause: {
    binaries: [{ name: 'pause' }],
    versionArgs: ['-v'],
    buildNeeds: staticCPrerequisites,
    cVersionIn: { file: 'build/pause/Makefile', pattern: /^TAG\s*\??=\s*(\S+)\s*$/m },
  },
  helm: {
    binaries: [{ name: 'helm' }],
    versionArgs: ['version', '--short'],
    goVersionVars: (v) => ({ 'helm.sh/helm/v3/internal/version.version': v }),
  },
  nerdctl: {
    binaries: [{ name: 'nerdctl' }],
    versionArgs: ['--version'],
    goVersionVars: (v) => ({ 'github.com/containerd/nerdctl/v2/pkg/version.Version': v }),
    // cmd/nerdctl/helpers/testing_linux.go (test helpers in a non-_test file) pulls in pkg/testutil and
    // with it github.com/containerd/nerdctl/mod/tigron, which upstream takes from its own tree and never
    // published. Nothing in the nerdctl binary calls those helpers.
    goLeaveOut: ['cmd/nerdctl/helpers/testing_linux.go'],
  },
  // Built with CGO_ENABLED=0 (as every Go build here): static binaries that run in any node image, and
  // no libbtrfs headers needed (the btrfs snapshotter needs cgo and is left out; the suite uses overlayfs
  // and stargz). The tags are the ones upstream's Makefile passes.
  containerd: {
    binaries: [
      { name: 'containerd', goPackage: 'cmd/containerd', goTags: ['urfave_cli_no_docs'] },
      {
        name: 'containerd-shim-runc-v2',
        member: 'bin/containerd-shim-runc-v2',
        goPackage: 'cmd/containerd-shim-runc-v2',
        goTags: ['urfave_cli_no_docs', 'no_grpc'],
      },
      { name: 'ctr', member: 'bin/ctr', goPackage: 'cmd/ctr', goTags: ['urfave_cli_no_docs'] },
    ],
    versionArgs: ['--version'],
    goVersionVars: (v) => ({ 'github.com/containerd/containerd/v2/version.Version': v }),
  },
  stargz: {
    binaries: [
      { name: 'containerd-stargz-grpc' },
      { name: 'ctr-remote', member: 'ctr-remote', optional: true },
    ],
    versionArgs: ['--version'],
  },
  scheduler: {
    binaries: [{ name: 'scheduler' }],
    versionArgs: ['version'],
    goVersionVars: dragonflyVersionVars,
  },
  dfdaemon: { binaries: [{ name: 'dfdaemon' }], versionArgs: ['--version'] },
  grpcHealthProbe: { binaries: [{ name: 'grpc_health_probe' }], versionArgs: ['-version'] },
  manager: { binaries: [{ name: 'manager' }], versionArgs: ['version'], goVersionVars: dragonflyVersionVars },
}

/** The tools each profile needs on the machine that runs the suite (build-all's default). */
export const profileTools: Record<Profile, ToolName[]> = {
  local: ['containerd', 'nerdctl', 'stargz', 'scheduler', 'dfdaemon'],
  // a cluster the suite did not make: its nodes bring containerd and the kubelet; the suite adds these
  cluster: ['kubectl', 'helm', 'nerdctl', 'stargz'],
  // The host's tools, then what a kind node image is built from (quick builds first, kube last). The
  // node image's containerd is the local profile's (reports must not count it as a kind component).
  kind: [
    'kind',
    'kubectl',
    'helm',
    'nerdctl',
    'stargz',
    'pause',
    'runc',
    'cni',
    'crictl',
    'etcd',
    'coredns',
    'localpath',
    'kubernetes',
  ],
}

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(versions.tools, name)
}

export function pinOf(tool: ToolName): ToolPin {
  return versions.tools[tool] as ToolPin
}

export interface ResolvedBinary {
  name: string
  /** path inside the release archive; undefined when the download is the binary itself */
  member: string | undefined
  /** Go package inside the module ('' is the module root) */
  goPackage: string
  goTags: string[]
  optional: boolean
}

/** The binaries of a tool with the pin's defaults filled in. */
export function binariesOf(tool: ToolName): ResolvedBinary[] {
  const pin = pinOf(tool)
  return catalog[tool].binaries.map((b, i) => ({
    name: b.name,
    member: b.member ?? (i === 0 ? pin.release?.member : b.name),
    goPackage: b.goPackage ?? (i === 0 && pin.build?.kind === 'go' ? pin.build.pkg : ''),
    goTags: b.goTags ?? [],
    optional: b.optional ?? false,
  }))
}
