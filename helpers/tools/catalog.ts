// What the resolver needs to know about each tool beyond its pin in helpers/versions.ts: which
// binaries make it up, how each asks for its version, and how a source build stamps that version.
import type { Profile } from '../config.ts'
import { versions, type ToolName, type ToolPin } from '../versions.ts'

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
}

export const catalog: Record<ToolName, ToolSpec> = {
  kind: { binaries: [{ name: 'kind' }], versionArgs: ['version'] },
  kubectl: { binaries: [{ name: 'kubectl' }], versionArgs: ['version', '--client'] },
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
  // v2.5.1's version package still says GitVersion "v2.5.0"; upstream's build script puts the release
  // tag in GitCommit. Set both so a source build names the version it was built from.
  scheduler: {
    binaries: [{ name: 'scheduler' }],
    versionArgs: ['version'],
    goVersionVars: (v) => ({
      'd7y.io/dragonfly/v2/version.GitVersion': v,
      'd7y.io/dragonfly/v2/version.GitCommit': v,
    }),
  },
  dfdaemon: { binaries: [{ name: 'dfdaemon' }], versionArgs: ['--version'] },
}

/** The tools each profile needs on the machine that runs the suite (build-all's default). */
export const profileTools: Record<Profile, ToolName[]> = {
  local: ['containerd', 'nerdctl', 'stargz', 'scheduler', 'dfdaemon'],
  kind: ['kind', 'kubectl', 'helm', 'nerdctl', 'stargz'],
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
