// The local profile's scheduler.yaml, derived from the Helm values' scheduler section plus what the
// chart's scheduler-configmap.yaml template adds (metrics.enable from scheduler.metrics.enable,
// metrics.addr ":8000", console), but manager-less and without redis.
//
// Manager-less scheduler (d7y.io/dragonfly/v2@v2.5.1 scheduler/scheduler.go, config/dynconfig*.go):
// `manager.addr` is a *string; when the key is absent the scheduler creates no manager client and no
// announcer, and reads its dynamic configuration from the --dynconfig file (default
// /etc/dragonfly/dynconfig.yaml, generated with defaults when missing). Without
// `database.redis.addrs` there is no redis client: persistent(-cache) tasks and jobs are off, normal
// tasks (what the proxy downloads) are unaffected. Upstream's manager-less docker-compose deployment
// (deploy/docker-compose in the same module) sets `job.enable: false` likewise.
import type { DragonflyValues, SchedulerRetries } from './helm-values.ts'
import { GENERATED_NOTICE, yamlText } from './format.ts'
import { DRAGONFLY_PATHS, SCHEDULER_PORTS } from './ports.ts'

export interface SchedulerFile {
  server: { port: number; advertiseIP?: string; advertisePort?: number }
  scheduler: SchedulerRetries
  console: boolean
  job: { enable: boolean }
  metrics: { enable: boolean; addr: string; enableHost: boolean }
}

export interface LocalSchedulerInputs {
  /** the IP peers reach the scheduler at (the scheduler picks its first non-loopback IP when unset) */
  advertiseIP?: string
}

export function schedulerConfig(values: DragonflyValues, inputs: LocalSchedulerInputs = {}): SchedulerFile {
  const port = values.scheduler.config.server.port
  return {
    server: {
      port,
      ...(inputs.advertiseIP ? { advertiseIP: inputs.advertiseIP, advertisePort: port } : {}),
    },
    scheduler: values.scheduler.config.scheduler,
    console: values.scheduler.config.console,
    job: { enable: false },
    metrics: {
      enable: values.scheduler.metrics.enable,
      addr: `:${SCHEDULER_PORTS.metrics}`,
      enableHost: false,
    },
  }
}

/** The scheduler's local dynconfig (scheduler/config/dynconfig_local.go LocalDynconfigData). */
export interface SchedulerDynconfig {
  applications: never[]
  seedPeerClusterConfig: { loadLimit: number }
  schedulerClusterConfig: { candidateParentLimit: number; filterParentLimit: number }
  schedulerClusterClientConfig: { loadLimit: number }
}

/**
 * The values the scheduler writes itself when the file is missing (NewLocalDynconfigData: constants
 * DefaultSeedPeerConcurrentUploadLimit, DefaultSchedulerCandidateParentLimit, ...), made explicit so a
 * run does not depend on what a missing file turns into.
 */
export function schedulerDynconfig(): SchedulerDynconfig {
  return {
    applications: [],
    seedPeerClusterConfig: { loadLimit: 2000 },
    schedulerClusterConfig: { candidateParentLimit: 3, filterParentLimit: 15 },
    schedulerClusterClientConfig: { loadLimit: 200 },
  }
}

export interface SchedulerPaths {
  config?: string
  dynconfig?: string
}

export function schedulerArgs(paths: SchedulerPaths = {}): string[] {
  return [
    `--config=${paths.config ?? DRAGONFLY_PATHS.schedulerConfig}`,
    `--dynconfig=${paths.dynconfig ?? DRAGONFLY_PATHS.schedulerDynconfig}`,
  ]
}

export function renderScheduler(values: DragonflyValues, inputs: LocalSchedulerInputs = {}): string {
  return yamlText(schedulerConfig(values, inputs), {
    header:
      `${GENERATED_NOTICE}\nLocal profile: the scheduler, from the Helm values' scheduler section.\n` +
      'No manager.addr and no database.redis: manager-less, dynamic configuration from --dynconfig.',
    quoted: [['metrics', 'addr']],
  })
}

export function renderSchedulerDynconfig(): string {
  return yamlText(schedulerDynconfig(), {
    header: `${GENERATED_NOTICE}\nLocal profile: the scheduler's own dynconfig (pass it with --dynconfig).`,
  })
}
