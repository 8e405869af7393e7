// The files the kind profile writes before running kind, helm and kubectl, rendered by the shared
// renderers (helpers/render) so the profile and the dry-run plan write the same bytes.
import { existsSync, statSync } from 'node:fs'
import type { Config } from '../run/config.ts'
import {
  imageRef,
  managerBackendsManifests,
  type HostAlias,
  registryHost,
  renderHelmValues,
  renderKindConfig,
  renderPeerService,
} from '../render/index.ts'
import { stringify as stringifyYaml } from 'yaml'

/**
 * kind-config.yaml with every node on `nodeImage`. Newer kind releases let a per-node `image:` in the
 * config win over `--image`, so an override must be written into the file, not only passed as a flag.
 */
export function kindConfigFile(config: Config, nodeImage: string): string {
  const pinned = imageRef(config.versions.images.kindNode)
  const text = renderKindConfig(config)
  return nodeImage === pinned ? text : text.split(`image: ${pinned}`).join(`image: ${nodeImage}`)
}

/** values.yaml: dfdaemon's upstream is the origin registry as the nodes reach it. */
export function valuesFile(
  config: Config,
  origin: string = registryHost(config),
  registryAlias?: HostAlias,
): string {
  return renderHelmValues(config, {
    originRegistry: `http://${origin}`,
    ...(registryAlias ? { hostAliases: [registryAlias] } : {}),
  })
}

/** A chart checkout needs `helm dependency update`; a packaged chart (.tgz) carries its subcharts. */
export function chartIsDirectory(config: Pick<Config, 'chartPath'>): boolean {
  return Boolean(config.chartPath && existsSync(config.chartPath) && statSync(config.chartPath).isDirectory())
}

/** MariaDB and Redis for the manager (kubectl apply before helm install). */
export function managerBackendsFile(image: string): string {
  // YAML 1.1 output: Kubernetes reads `no`, `on` and the like as booleans unless quoted
  return managerBackendsManifests(image)
    .map((o) => stringifyYaml(o, { version: '1.1' }))
    .join('---\n')
}

export function peerServiceFile(config: Config): string {
  return renderPeerService(config)
}
