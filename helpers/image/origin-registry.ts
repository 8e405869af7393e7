// The origin registry under test: a real distribution registry container started through
// testcontainers on the run's Docker network, reachable from nodes by name. Its JSON access log
// is the origin-side evidence for back-to-source accounting.
import { GenericContainer, Wait } from 'testcontainers'
import { RUN_LABEL, dockerExec, presentOrPulled } from '../profiles/docker.ts'
import { run, type RunResult } from '../base/exec.ts'
import type { Config } from '../run/config.ts'

export interface OriginRegistry {
  /** host:port as nodes see it */
  host: string
  /** http://127.0.0.1:<mapped port> as this process sees it */
  localUrl: string
  /** where it runs, for reports: a container name or a pod */
  where: string
  /** a command inside the registry's container (its version probe) */
  exec(argv: readonly string[]): Promise<RunResult>
  /** the container's log, from an ISO time of this machine's clock when given */
  logs(since?: string): Promise<string>
  stop(): Promise<void>
}

export interface RegistryOptions {
  image: string
  name: string
  network: string
  runId: string
  startupTimeoutMs: number
}

export async function startRegistry(opts: RegistryOptions): Promise<OriginRegistry> {
  const container = await new GenericContainer(opts.image)
    .withName(opts.name)
    .withNetworkMode(opts.network)
    .withNetworkAliases(opts.name)
    .withExposedPorts(5000)
    // JSON lines carry method, uri, status and bytes written per request: the accounting input.
    .withEnvironment({ REGISTRY_LOG_FORMATTER: 'json', REGISTRY_LOG_LEVEL: 'info' })
    .withLabels({ [RUN_LABEL]: opts.runId })
    .withWaitStrategy(Wait.forHttp('/v2/', 5000).forStatusCode(200))
    .withStartupTimeout(opts.startupTimeoutMs)
    .start()
  const localUrl = `http://127.0.0.1:${container.getMappedPort(5000)}`
  return {
    host: `${opts.name}:5000`,
    localUrl,
    where: opts.name,
    exec: (argv) => dockerExec(container.getId(), argv, { allowFailure: true, timeoutMs: 30_000 }),
    // `docker logs` rather than the stream API: the whole log, as a user would collect it.
    // The registry logs to stderr; keep both streams.
    logs: async (since?: string) => {
      const r = await run('docker', ['logs', ...(since ? ['--since', since] : []), container.getId()], {
        timeoutMs: 60_000,
      })
      return `${r.stdout}\n${r.stderr}`
    },
    stop: async () => {
      await container.stop({ remove: true, removeVolumes: true })
    },
  }
}

/**
 * The pinned registry image when present or pullable; otherwise Debian's build of the same program
 * (machines without a container registry), said out loud through `log`.
 */
export async function registryImage(
  pinned: string,
  buildDebian: () => Promise<string>,
  log: (line: string) => void,
): Promise<string> {
  const got = await presentOrPulled(pinned, 3 * 60_000)
  if (got.ok) return pinned
  log(`cannot pull ${pinned} (${got.reason}); using Debian's docker-registry package instead`)
  return buildDebian()
}

/** The origin as a container on the nodes' network (local and kind), from the image `image` gives. */
export async function startOriginContainer(
  config: Pick<Config, 'registryName' | 'stepTimeoutMinutes'>,
  at: { network: string; runId: string },
  image: () => Promise<string>,
  log: (line: string) => void,
): Promise<OriginRegistry> {
  const ref = await image()
  log(`image ${ref}`)
  return startRegistry({
    image: ref,
    name: config.registryName,
    network: at.network,
    runId: at.runId,
    startupTimeoutMs: config.stepTimeoutMinutes * 60_000,
  })
}
