// `docker save` of a multi-platform image under Docker's containerd image store (Docker Desktop, new
// Docker installs) exports every platform of the index, whose other platforms' content was never
// pulled: the save, or kind's `ctr import` of it, fails (kind issue 3795). `--platform` saves only
// the nodes' own; it needs API 1.48 (Docker 28) on both the CLI and the daemon, and older ones, which
// never keep more than one platform of an image, do not know the flag.
import semver from 'semver'

/** The first API version whose `docker save` takes `--platform`. */
export const SAVE_PLATFORM_API = '1.48'

/** Node.js's name of the machine's architecture → the OCI platform's. */
const OCI_ARCH: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' }

/**
 * `--platform` for `docker save`, from `docker version --format '{{.Client.APIVersion}}
 * {{.Server.APIVersion}}'` and the nodes' architecture (kind's nodes run the machine's); undefined
 * when either side predates the flag or a version cannot be read.
 */
export function savePlatform(
  apiVersions: string,
  arch: NodeJS.Architecture = process.arch,
): string | undefined {
  const versions = apiVersions.trim().split(/\s+/)
  if (versions.length !== 2) return undefined
  const min = semver.coerce(SAVE_PLATFORM_API)!
  const supports = versions.every((v) => {
    const parsed = semver.coerce(v)
    return parsed !== null && semver.gte(parsed, min)
  })
  const oci = OCI_ARCH[arch]
  return supports && oci ? `linux/${oci}` : undefined
}
