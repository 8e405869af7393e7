// Helm values for the dragonfly chart (the guide's charts-config.yaml), and the one source of the
// Dragonfly settings for both profiles: kind installs it with `helm -f`, the local profile derives
// dfdaemon.yaml / scheduler.yaml from its `config` sections (dfdaemon-local.ts, scheduler-local.ts).
// Keys verified against dragonflyoss/helm-charts charts/dragonfly/values.yaml and templates at the
// newest stored chart (1.7.4) and against dragonfly-client-config 1.5.0 src/dfdaemon.rs.
import { readFileSync } from 'node:fs'
import deepmerge from 'deepmerge'
import { parse as parseYaml } from 'yaml'
import type { Config } from '../run/config.ts'
import { GENERATED_NOTICE, yamlText } from './format.ts'
import { MANAGER_DATABASE, managerDatabaseHost, managerRedisAddr } from './manager-backends.ts'
import { DFDAEMON_PORTS, SCHEDULER_PORTS } from './ports.ts'
import { CONTROL_PLANE_PLACEMENT, type Placement } from './release-location.ts'

/** `<name>` values of the chart's components (they become the pods' `component` label). */
export const CHART_COMPONENTS = {
  manager: 'manager',
  scheduler: 'scheduler',
  seedClient: 'seed-client',
  client: 'client',
} as const

/** Only GET requests whose URL matches a rule go through P2P; everything else is proxied straight. */
export const BLOB_RULE_REGEX = 'blobs/sha256.*'

export type DfdaemonLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error'

export interface ChartImage {
  repository: string
  tag: string
}

/** An image as the chart's common.images.image template takes it (the init containers'). */
export interface ChartRegistryImage extends ChartImage {
  registry: string
  digest: string
}

/**
 * `[host[:port]/]path[:tag][@digest]` → the chart's image fields. A first path part with a dot, a
 * port or `localhost` is a registry host (Docker's rule); without one the registry is docker.io.
 */
export function chartImageOf(ref: string): ChartRegistryImage {
  const [name = '', digest = ''] = ref.split('@')
  const slash = name.indexOf('/')
  const first = slash < 0 ? '' : name.slice(0, slash)
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost'
  const path = hasHost ? name.slice(slash + 1) : name
  const colon = path.lastIndexOf(':')
  const tagged = colon > path.lastIndexOf('/')
  return {
    registry: hasHost ? first : 'docker.io',
    repository: tagged ? path.slice(0, colon) : path,
    tag: tagged ? path.slice(colon + 1) : digest ? '' : 'latest',
    digest,
  }
}

/** The init containers' image as the values name it: D7Y_INIT_CONTAINER_IMAGE, else the pinned busybox's tag. */
export function initContainerRef(config: Pick<Config, 'versions' | 'initContainerImage'>): string {
  const pin = config.versions.images.initContainer
  return config.initContainerImage ?? `${pin.repository}:${pin.tag}`
}

/** The chart's init containers (its default image is an unpinned busybox:latest). */
export interface InitContainer {
  initContainer: { image: ChartRegistryImage }
}

export interface ProxyRule {
  regex: string
}

/** The part of the chart's `client.config` / `seedClient.config` this suite sets. */
export interface DfdaemonValuesConfig {
  /** rendered by the chart as the `--console` argument, not into dfdaemon.yaml */
  console: boolean
  /** rendered by the chart as `--log-level=`, not into dfdaemon.yaml */
  log: { level: DfdaemonLogLevel }
  upload: { server: { port: number } }
  proxy: {
    server: { port: number }
    prefetch: boolean
    registryMirror: { addr: string; enableTaskIDBasedBlobDigest: boolean }
    rules: ProxyRule[]
  }
  metrics: { server: { port: number } }
  health: { server: { port: number } }
  seedPeer?: { enable: boolean; type: 'super' | 'normal' }
}

/** The scheduling retries (scheduler.yaml `scheduler:`); the chart merges it onto its own defaults. */
export interface SchedulerRetries {
  retryInterval: string
  retryLimit: number
  retryBackToSourceLimit: number
}

/**
 * The scheduler binary's own defaults (d7y.io/dragonfly/v2@v2.5.1 scheduler/config/constants.go).
 * Chart 1.7.4 sets retryInterval 2s and retryBackToSourceLimit 3 instead: the first peer of a new
 * task then waits 2 s for parents, and every lazy read in that window goes to the origin (dfdaemon
 * 1.5.0 serves range requests from local pieces or the source, never asking the scheduler). Measured
 * on kind, 2026-12-03: 6 on-demand pieces (24 MiB) from the origin on the first worker, attributed
 * 1.36x. Both profiles run with the binary's defaults, so they test the same scheduler.
 */
export const SCHEDULER_RETRIES: SchedulerRetries = {
  retryInterval: '500ms',
  retryLimit: 5,
  retryBackToSourceLimit: 4,
}

export interface SchedulerValuesConfig {
  server: { port: number }
  scheduler: SchedulerRetries
  console: boolean
}

export interface DragonflyValues {
  manager: {
    enable: boolean
    replicas: number
    image: ChartImage
    metrics: { enable: boolean }
  } & Placement &
    InitContainer
  /** the chart's bitnami subcharts: off, the manager uses the suite's MariaDB and Redis */
  mysql: { enable: boolean }
  redis: { enable: boolean }
  externalMysql: {
    migrate: boolean
    host: string
    username: string
    password: string
    database: string
    port: number
  }
  externalRedis: { addrs: string[]; password: string }
  scheduler: Placement &
    InitContainer & {
      enable: boolean
      replicas: number
      image: ChartImage
      metrics: { enable: boolean }
      config: SchedulerValuesConfig
    }
  seedClient: Placement &
    InitContainer & {
      enable: boolean
      hostAliases?: HostAlias[]
      replicas: number
      image: ChartImage
      metrics: { enable: boolean }
      config: DfdaemonValuesConfig
    }
  client: InitContainer & {
    enable: boolean
    hostAliases?: HostAlias[]
    hostNetwork: boolean
    image: ChartImage
    metrics: { enable: boolean }
    config: DfdaemonValuesConfig
  }
}

/** A pod /etc/hosts entry (Kubernetes hostAliases). */
export interface HostAlias {
  ip: string
  hostnames: string[]
}

export interface HelmValuesOptions {
  /** names the dfdaemon pods must resolve that cluster DNS does not know (the origin under podman) */
  hostAliases?: HostAlias[]
  /** the origin registry as a URL (default `http://<registryName>:<registryPort>`) */
  originRegistry?: string
}

export function originRegistryUrl(config: Config): string {
  return `http://${config.registryName}:${config.registryPort}`
}

function dfdaemonConfig(origin: string): DfdaemonValuesConfig {
  return {
    console: true,
    log: { level: 'debug' },
    upload: { server: { port: DFDAEMON_PORTS.upload } },
    proxy: {
      server: { port: DFDAEMON_PORTS.proxy },
      prefetch: true,
      // Task id = the blob digest's hex: the same task on every node whatever URL or mirror led there,
      // and the id the evidence checks compute (the binary's default is false, URL-based ids).
      registryMirror: { addr: origin, enableTaskIDBasedBlobDigest: true },
      rules: [{ regex: BLOB_RULE_REGEX }],
    },
    metrics: { server: { port: DFDAEMON_PORTS.metrics } },
    health: { server: { port: DFDAEMON_PORTS.health } },
  }
}

/**
 * The suite's values with the user's overlay (D7Y_VALUES) merged on top the way `helm -f` merges a
 * second values file: maps key by key, lists and scalars replaced.
 */
export function helmValues(config: Config, options: HelmValuesOptions = {}): DragonflyValues {
  const base = suiteValues(config, options)
  if (!config.valuesOverlay) return base
  const overlay = parseYaml(readFileSync(config.valuesOverlay, 'utf8')) as unknown
  if (overlay === null || overlay === undefined) return base
  if (typeof overlay !== 'object' || Array.isArray(overlay))
    throw new Error(`D7Y_VALUES ${config.valuesOverlay}: not a YAML map of Helm values`)
  return deepmerge(base, overlay as Partial<DragonflyValues>, {
    arrayMerge: (_target, source: unknown[]) => source,
  }) as DragonflyValues
}

function suiteValues(config: Config, options: HelmValuesOptions): DragonflyValues {
  const origin = options.originRegistry ?? originRegistryUrl(config)
  const aliases = options.hostAliases?.length ? { hostAliases: options.hostAliases } : {}
  const schedulerTag = config.toolVersions.scheduler
  const clientTag = config.toolVersions.dfdaemon
  const init: InitContainer = { initContainer: { image: chartImageOf(initContainerRef(config)) } }
  return {
    manager: {
      enable: true,
      replicas: 1,
      // Released from the same archive as the scheduler (the same pin); an upgrade may move it alone.
      image: { repository: 'dragonflyoss/manager', tag: config.toolVersions.manager },
      ...init,
      metrics: { enable: true },
      ...CONTROL_PLANE_PLACEMENT,
    },
    mysql: { enable: false },
    redis: { enable: false },
    externalMysql: {
      migrate: true,
      host: managerDatabaseHost(),
      username: MANAGER_DATABASE.username,
      password: MANAGER_DATABASE.password,
      database: MANAGER_DATABASE.database,
      port: MANAGER_DATABASE.port,
    },
    externalRedis: { addrs: [managerRedisAddr()], password: '' },
    scheduler: {
      enable: true,
      ...CONTROL_PLANE_PLACEMENT,
      replicas: 1,
      image: { repository: config.versions.images.scheduler.repository, tag: schedulerTag },
      ...init,
      metrics: { enable: true },
      config: { server: { port: SCHEDULER_PORTS.grpc }, scheduler: SCHEDULER_RETRIES, console: true },
    },
    seedClient: {
      enable: true,
      ...CONTROL_PLANE_PLACEMENT,
      ...aliases,
      replicas: 1,
      image: { repository: config.versions.images.client.repository, tag: clientTag },
      ...init,
      metrics: { enable: true },
      config: { ...dfdaemonConfig(origin), seedPeer: { enable: true, type: 'super' } },
    },
    client: {
      enable: true,
      ...aliases,
      hostNetwork: true,
      image: { repository: config.versions.images.client.repository, tag: clientTag },
      ...init,
      metrics: { enable: true },
      config: dfdaemonConfig(origin),
    },
  }
}

export function renderHelmValues(config: Config, options: HelmValuesOptions = {}): string {
  return yamlText(helmValues(config, options), {
    header:
      `${GENERATED_NOTICE}\n` +
      `Values for the dragonfly chart (${config.versions.chart.repository} ${config.versions.chart.name}).\n` +
      'kind: helm install -f this file. local profile: dfdaemon.yaml and scheduler.yaml are derived\n' +
      "from the same values' config sections (helpers/render/dfdaemon-local.ts, scheduler-local.ts).",
    comments: [
      {
        path: ['manager'],
        comment:
          'The manager (with the MariaDB and Redis below) is deployed on kind: the chart\n' +
          'cannot run without one. Its scheduler and seed-client pods have a wait-for-manager init\n' +
          'container that, with manager.enable=false, waits for externalManager.host forever, and its\n' +
          'ConfigMaps always render manager.addr (for dfdaemon and the scheduler an address, even an\n' +
          'unreachable one, selects the remote dynconfig). The binaries themselves run manager-less when\n' +
          'manager.addr is absent: the local profile does that (see the local renderers).',
      },
      {
        path: ['mysql'],
        comment:
          "The chart's bitnami MySQL and Redis are off: Debian's MariaDB and Redis run beside the release\n" +
          '(helpers/render/manager-backends.ts) and reach the manager through externalMysql/externalRedis.',
      },
      {
        path: ['scheduler', 'config', 'scheduler'],
        comment:
          "The binary's defaults, not the chart's (retryInterval 2s): the first peer of a task would\n" +
          'wait 2 s for parents while its lazy reads go to the origin (helpers/render/helm-values.ts).',
      },
      {
        path: ['seedClient', 'nodeSelector'],
        comment:
          "On the control-plane, as the local profile runs it: the origin tells the seed peer's fetches\n" +
          "(its node's address) apart from the workers' own.",
      },
      {
        path: ['client', 'hostNetwork'],
        comment: "dfdaemon's proxy on the node's 127.0.0.1:4001 is the stargz snapshotter's mirror host.",
      },
      {
        path: ['client', 'config', 'log'],
        comment:
          'DEBUG: recent clients log "download task succeeded" at debug only. Rendered as --log-level.',
      },
      {
        path: ['client', 'config', 'proxy', 'registryMirror'],
        comment:
          'Upstream for requests without an X-Dragonfly-Registry header (the stargz mirror sends one).',
      },
      {
        path: ['client', 'config', 'proxy', 'rules'],
        comment: 'Only GETs matching a rule go through P2P; HEADs and manifests are proxied straight.',
      },
      {
        path: ['seedClient', 'config', 'log'],
        comment:
          "The chart's seed-client container takes --log-level from client.config.log.level\n" +
          '(seed-client-statefulset.yaml); this one is set too in case that is fixed.',
      },
    ],
  })
}
