// Every artifact the integration guide writes by hand, by name, for `render <artifact>` and the
// committed copies (committed.ts). Each renderer is a pure function of the configuration.
import { loadConfig, type Config } from '../run/config.ts'
import { renderContainerdPatch } from './containerd-config.ts'
import { renderDfdaemonClient, renderDfdaemonDynconfig, renderDfdaemonSeed } from './dfdaemon-local.ts'
import { helmValues, renderHelmValues } from './helm-values.ts'
import { renderKindConfig } from './kind-config.ts'
import { renderPeerService } from './peer-service.ts'
import { SCHEDULER_PORTS } from './ports.ts'
import { renderScheduler, renderSchedulerDynconfig } from './scheduler-local.ts'
import { renderStargzConfig } from './stargz-config.ts'
import { renderStargzUnit } from './stargz-unit.ts'

export * from './chart-labels.ts'
export * from './containerd-config.ts'
export * from './dfdaemon-local.ts'
export * from './format.ts'
export * from './helm-values.ts'
export * from './kind-config.ts'
export * from './manager-backends.ts'
export * from './peer-service.ts'
export * from './ports.ts'
export * from './release-location.ts'
export * from './scheduler-local.ts'
export * from './stargz-config.ts'
export * from './stargz-unit.ts'

/**
 * The local profile's scheduler address: the scheduler and the seed peer run on the control-plane
 * node container (helpers/local/dragonfly.ts), named as kind names it (helpers/local/nodes.ts).
 */
export function defaultLocalSchedulerAddress(config: Config): string {
  return `${config.clusterName}-control-plane:${SCHEDULER_PORTS.grpc}`
}

export const ARTIFACTS = [
  'kind-config',
  'helm-values',
  'peer-service',
  'stargz-config',
  'stargz-config-direct',
  'containerd-patch-v2',
  'containerd-patch-v3',
  'stargz-unit',
  'dfdaemon-client',
  'dfdaemon-seed',
  'dfdaemon-dynconfig',
  'scheduler',
  'scheduler-dynconfig',
] as const

export type ArtifactName = (typeof ARTIFACTS)[number]

export type Renderer = (config?: Config) => string

export const renderers: Record<ArtifactName, Renderer> = {
  'kind-config': (config = loadConfig()) => renderKindConfig(config),
  'helm-values': (config = loadConfig()) => renderHelmValues(config),
  'peer-service': (config = loadConfig()) => renderPeerService(config),
  'stargz-config': (config = loadConfig()) => renderStargzConfig(config, 'dragonfly'),
  'stargz-config-direct': (config = loadConfig()) => renderStargzConfig(config, 'direct'),
  'containerd-patch-v2': () => renderContainerdPatch(2),
  'containerd-patch-v3': () => renderContainerdPatch(3),
  'stargz-unit': () => renderStargzUnit(),
  'dfdaemon-client': (config = loadConfig()) => renderDfdaemonClient(helmValues(config)),
  'dfdaemon-seed': (config = loadConfig()) => renderDfdaemonSeed(helmValues(config)),
  'dfdaemon-dynconfig': (config = loadConfig()) =>
    renderDfdaemonDynconfig(defaultLocalSchedulerAddress(config)),
  scheduler: (config = loadConfig()) => renderScheduler(helmValues(config)),
  'scheduler-dynconfig': () => renderSchedulerDynconfig(),
}

export function isArtifactName(name: string): name is ArtifactName {
  return (ARTIFACTS as readonly string[]).includes(name)
}
