// The kind profile's preflight: every missing prerequisite at once, each with how to get it, and
// nothing created. The checks take their facts from probes so the aggregation is tested without Docker.
import { access } from 'node:fs/promises'
import { privilegedEngineProblem } from './privileged-engine.ts'
import { createServer } from 'node:net'
import type { PreflightProblem } from '../profiles/profile.ts'
import { DFDAEMON_PORTS } from '../render/index.ts'

export type KindTool = 'kind' | 'helm' | 'kubectl'
export const KIND_TOOLS: readonly KindTool[] = ['kind', 'helm', 'kubectl']

/** Host ports the kind config publishes from the first worker (the guide's 4001 proxy, 4003 health). */
export const PUBLISHED_PORTS: readonly number[] = [DFDAEMON_PORTS.proxy, DFDAEMON_PORTS.health]

export interface KindPreflightProbes {
  /** Docker's server version, undefined when the daemon does not answer */
  docker(): Promise<string | undefined>
  /** obtains the tool at its pinned version; an Error says why it could not */
  tool(name: KindTool): Promise<{ version: string } | Error>
  /** whether the cluster already exists (only asked when reusing; its ports are then taken by it) */
  clusterExists(): Promise<boolean>
  /** whether 127.0.0.1:<port> can be bound */
  portFree(port: number): Promise<boolean>
  /** whether /dev/fuse exists where the nodes will run */
  fuse(): Promise<boolean>
  /** whether the node image is present or can be pulled (pulling it when absent) */
  image(ref: string): Promise<{ ok: true } | { ok: false; reason: string }>
  /**
   * whether the test images need no debootstrap: built before, or their published base present or
   * pullable (pulling it when absent)
   */
  testImage(): Promise<{ ok: true } | { ok: false; reason: string }>
  /** whether a command is on PATH (the shared image chapter builds the test image with debootstrap) */
  commandExists(name: string): Promise<boolean>
  /** whether this process runs as root (debootstrap and chroot need it) */
  root(): boolean
  /** podman's version, undefined when it does not run (asked for the podman provider only) */
  podman?(): Promise<string | undefined>
  /** whether a path exists on this machine */
  pathExists?(path: string): Promise<boolean>
  /** whether podman's containers.conf sets default_ulimits with nproc (asked for the podman provider only) */
  podmanUlimits?(): Promise<boolean>
  /** capabilities the kernel knows that this machine's bounding set lacks (privileged-engine.ts) */
  missingCapabilities?(): Promise<string[]>
}

export interface KindPreflightInput {
  clusterName: string
  reuseCluster: boolean
  nodeImage: string
  toolVersions: Record<KindTool, string>
  /** kind's node provider (KIND_EXPERIMENTAL_PROVIDER) */
  provider?: 'docker' | 'podman'
}

const LOCAL_PROFILE_HINT =
  'no internet for the node image? run the same chapters without Kubernetes: npm run conformance:local'

/** An obtainTool error as one line, without its "<tool> <version> could not be obtained:" heading. */
function reasons(err: Error): string {
  return err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/could not be obtained:$/.test(l))
    .join('; ')
}

/** A probe that throws answers like one that found nothing: preflight reports, it never aborts. */
async function safely<T>(probe: () => Promise<T>, onError: (err: Error) => T): Promise<T> {
  try {
    return await probe()
  } catch (err) {
    return onError(err instanceof Error ? err : new Error(String(err)))
  }
}

export async function kindPreflight(
  input: KindPreflightInput,
  raw: KindPreflightProbes,
): Promise<PreflightProblem[]> {
  const probes: KindPreflightProbes = {
    docker: () => safely(raw.docker, () => undefined),
    tool: (t) =>
      safely(
        () => raw.tool(t),
        (err) => err,
      ),
    clusterExists: () => safely(raw.clusterExists, () => false),
    portFree: (p) =>
      safely(
        () => raw.portFree(p),
        () => false,
      ),
    fuse: () => safely(raw.fuse, () => false),
    image: (ref) =>
      safely(
        () => raw.image(ref),
        (err) => ({ ok: false as const, reason: err.message }),
      ),
    commandExists: (c) =>
      safely(
        () => raw.commandExists(c),
        () => false,
      ),
    testImage: () =>
      safely(
        () => raw.testImage(),
        (err) => ({ ok: false as const, reason: err.message }),
      ),
    root: raw.root,
  }
  const problems: PreflightProblem[] = []
  const dockerVersion = await probes.docker()
  if (!dockerVersion)
    problems.push({
      what: 'Docker daemon not reachable (kind runs its nodes as Docker containers)',
      fix: 'start Docker (Docker Desktop, or on Linux: systemctl start docker) and check `docker version`',
    })

  if (dockerVersion) {
    const missing = await safely(
      () => raw.missingCapabilities?.() ?? Promise.resolve([]),
      () => [],
    )
    const engine = privilegedEngineProblem({
      provider: input.provider ?? 'docker',
      serverVersion: dockerVersion,
      missing,
    })
    if (engine) problems.push(engine)
  }

  const tools = new Map<KindTool, boolean>()
  for (const t of KIND_TOOLS) {
    const got = await probes.tool(t)
    tools.set(t, !(got instanceof Error))
    if (got instanceof Error)
      problems.push({
        what: `${t} ${input.toolVersions[t]} is not installed and could not be obtained: ${reasons(got)}`,
        fix: `install ${t} ${input.toolVersions[t]} on PATH, or allow its sha256-verified download (helpers/base/versions.ts)`,
      })
  }

  const reusing = input.reuseCluster && tools.get('kind') === true && (await probes.clusterExists())
  if (!reusing)
    for (const port of PUBLISHED_PORTS)
      if (!(await probes.portFree(port)))
        problems.push({
          what: `host port 127.0.0.1:${port} is in use (the kind config publishes the peer Service there)`,
          fix: `stop what listens on ${port} (e.g. a leftover cluster: kind delete cluster --name ${input.clusterName}), or set D7Y_REUSE_CLUSTER=true to reuse an existing cluster`,
        })

  if (!(await probes.fuse()))
    problems.push({
      what: '/dev/fuse missing (kind mounts it into the workers for the stargz snapshotter)',
      fix: 'load the fuse module: modprobe fuse',
    })

  // Chapter 40 builds the test image on a published Debian image where it can have one; else, and
  // under podman (whose runs build what they cannot pull from Debian packages), with debootstrap.
  const testImage = await probes.testImage()
  const why =
    input.provider === 'podman'
      ? 'under podman the suite builds what it cannot pull from Debian packages'
      : testImage.ok
        ? undefined
        : `the test image's published base cannot be had (${testImage.reason}), so it is built from Debian packages`
  if (why) {
    if (!(await probes.commandExists('debootstrap')))
      problems.push({ what: `debootstrap missing (${why})`, fix: 'apt-get install -y debootstrap' })
    if (!probes.root())
      problems.push({
        what: `not root (debootstrap and chroot need it: ${why})`,
        fix: 'run as root (sudo -E), e.g. in CI',
      })
  }

  if (input.provider === 'podman') {
    if (
      !(await safely(
        () => raw.podman?.() ?? Promise.resolve(undefined),
        () => undefined,
      ))
    )
      problems.push({
        what: 'podman does not run (KIND_EXPERIMENTAL_PROVIDER=podman: kind runs its nodes with podman)',
        fix: 'apt-get install -y podman, or unset KIND_EXPERIMENTAL_PROVIDER to use Docker',
      })
    // kind mounts the host's /lib/modules into every node; podman refuses a missing source
    if (
      !(await safely(
        () => raw.pathExists?.('/lib/modules') ?? Promise.resolve(true),
        () => false,
      ))
    )
      problems.push({
        what: "/lib/modules does not exist (kind mounts it into every node; podman fails with 'statfs /lib/modules')",
        fix: 'mkdir -p /lib/modules (an empty directory is enough)',
      })
    // podman --privileged raises RLIMIT_NPROC to unlimited unless a default is configured, which
    // fails in a container whose own limit is lower (this kind of machine)
    if (
      !(await safely(
        () => raw.podmanUlimits?.() ?? Promise.resolve(true),
        () => false,
      ))
    )
      problems.push({
        what: 'podman has no default_ulimits for nproc: its privileged kind nodes fail setting RLIMIT_NPROC',
        fix: 'add to /etc/containers/containers.conf under [containers]: default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      })
  }

  // Without Docker the pull would only repeat the first problem. Under podman an image that cannot
  // be pulled is built offline when the cluster is created (said in the run's output then).
  if (dockerVersion && !reusing && input.provider !== 'podman') {
    const image = await probes.image(input.nodeImage)
    if (!image.ok)
      problems.push({
        what: `kind node image ${input.nodeImage} is not present and cannot be pulled (${image.reason})`,
        fix: LOCAL_PROFILE_HINT,
      })
  }
  return problems
}

/** Binds 127.0.0.1:<port> and lets go again: the one reliable "is it free" test. */
export function bindable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/**
 * /dev/fuse on the Docker host. On Linux that is this machine; elsewhere (Docker Desktop) it is the
 * Docker VM, which has it, so there is nothing to check from here.
 */
export async function fuseOnDockerHost(platform: NodeJS.Platform = process.platform): Promise<boolean> {
  if (platform !== 'linux') return true
  try {
    await access('/dev/fuse')
    return true
  } catch {
    return false
  }
}
