// The stargz snapshotter's /etc/containerd-stargz-grpc/config.toml: resolver mirrors for the registry
// under test. Schema: stargz-snapshotter v0.19.1 service/resolver/registry.go (MirrorConfig: host,
// insecure, request_timeout_sec, header) under service/config.go's `resolver` table.
//
// - `host` is host[:port], not a URL: the scheme is https unless `insecure = true` (or the host is
//   localhost), so a plain-HTTP mirror needs `insecure = true`.
// - After the configured mirrors the snapshotter always tries the registry itself, over https. The
//   dragonfly variant deliberately has no plain-HTTP entry for the origin: if dfdaemon fails, the
//   fallback fails too (the origin speaks HTTP) instead of silently bypassing Dragonfly.
// - `[blob] force_single_range_mode = true`: dfdaemon answers only the first range of a multi-range
//   request (dragonfly-client-util 1.5.0 parse_range_header). The snapshotter asks for several when a
//   read spans chunks it already holds, which depends on timing; each such read then fails ("failed to
//   fetch region [...]", seen once in four CRI pulls on the stand-in). One covering range avoids it.
//   The direct variant sets it too, so the two runs still differ only in the path.
// - Prefetch and background fetch keep their defaults (on): the guide leaves them so, and the direct
//   variant (the negative control) uses the same settings, so the two runs differ only in the path.
import type { Config } from '../run/config.ts'
import { GENERATED_NOTICE, tomlText } from './format.ts'
import { originRegistryUrl } from './helm-values.ts'
import { DFDAEMON_PORTS, STARGZ_PATHS } from './ports.ts'

export const DRAGONFLY_REGISTRY_HEADER = 'X-Dragonfly-Registry'

export interface StargzMirror {
  host: string
  insecure: boolean
  header?: Record<string, string[]>
}

export interface StargzConfig {
  blob: { force_single_range_mode: boolean }
  resolver: { host: Record<string, { mirrors: StargzMirror[] }> }
  /** stargz's FUSE manager (D7Y_STARGZ_FUSE_MANAGER): the mounts outlive a snapshotter restart */
  fuse_manager?: { enable: true; address: string; path: string }
}

export type StargzMode = 'dragonfly' | 'direct'

export interface StargzConfigOptions {
  /** the registry as containerd names it in image references (default `<registryName>:<registryPort>`) */
  registryHost?: string
  /** the origin as a URL for X-Dragonfly-Registry (default `http://<registryName>:<registryPort>`) */
  originRegistry?: string
  /** dfdaemon's proxy as host:port (default 127.0.0.1:4001, the node-local dfdaemon) */
  proxy?: string
  /**
   * dragonfly mode: the origin itself as a second mirror, as a production config has it (there the
   * registry speaks https, which the snapshotter tries after the mirrors). The conformance chapters run
   * without it, so a bypass of dfdaemon fails the pull; the upgrade gate runs with it, so a read while
   * dfdaemon restarts can go around it, and is counted as such.
   */
  originFallback?: boolean
}

export function registryHost(config: Config): string {
  return `${config.registryName}:${config.registryPort}`
}

export function stargzConfig(
  config: Config,
  mode: StargzMode,
  options: StargzConfigOptions = {},
): StargzConfig {
  const registry = options.registryHost ?? registryHost(config)
  const mirror: StargzMirror =
    mode === 'dragonfly'
      ? {
          host: options.proxy ?? `127.0.0.1:${DFDAEMON_PORTS.proxy}`,
          insecure: true,
          header: { [DRAGONFLY_REGISTRY_HEADER]: [options.originRegistry ?? originRegistryUrl(config)] },
        }
      : { host: registry, insecure: true }
  if (/^[a-z]+:\/\//i.test(mirror.host))
    throw new Error(`stargz mirror host must be host[:port], not ${mirror.host}`)
  const fallback: StargzMirror[] =
    mode === 'dragonfly' && options.originFallback ? [{ host: registry, insecure: true }] : []
  return {
    blob: { force_single_range_mode: true },
    resolver: { host: { [registry]: { mirrors: [mirror, ...fallback] } } },
    ...(config.stargzFuseManager
      ? {
          fuse_manager: {
            enable: true as const,
            address: STARGZ_PATHS.fuseManagerSocket,
            path: STARGZ_PATHS.fuseManager,
          },
        }
      : {}),
  }
}

export function renderStargzConfig(
  config: Config,
  mode: StargzMode,
  options: StargzConfigOptions = {},
): string {
  const header =
    mode === 'dragonfly'
      ? 'Layers of the registry under test are fetched through the node-local dfdaemon proxy;\n' +
        'X-Dragonfly-Registry tells dfdaemon the origin. No plain-HTTP fallback to the origin.'
      : 'Negative control: layers of the registry under test are fetched straight from the origin.'
  return tomlText(stargzConfig(config, mode, options), `${GENERATED_NOTICE}\n${header}`)
}
