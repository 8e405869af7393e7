// Which snapshotter config the workers get: the rendered one, or the user's own file (for example
// one copied from the integration guide). Routing is judged by evidence later, never by this text.
import { readFileSync } from 'node:fs'
import type { Config } from '../run/config.ts'
import { renderStargzConfig, renderStargzUnit, mergeContainerdConfigForMajor } from '../render/index.ts'
import type { StargzInstall } from './install.ts'

export function p2pStargzConfig(config: Config): { text: string; source: string } {
  if (config.snapshotterConfig)
    return { text: readFileSync(config.snapshotterConfig, 'utf8'), source: config.snapshotterConfig }
  return { text: renderStargzConfig(config, 'dragonfly'), source: 'rendered (mirror: node-local dfdaemon)' }
}

/**
 * The upgrade gate's config: the P2P one with the origin as a fallback after dfdaemon (rendered only;
 * a user's own config is used as it is).
 */
export function upgradeStargzConfig(config: Config): { text: string; source: string } {
  if (config.snapshotterConfig) return p2pStargzConfig(config)
  return {
    text: renderStargzConfig(config, 'dragonfly', { originFallback: true }),
    source: 'rendered (mirror: node-local dfdaemon, then the origin)',
  }
}

/** The negative control's config: the mirror points straight at the origin. */
export function directStargzConfig(config: Config): string {
  return renderStargzConfig(config, 'direct')
}

export function stargzInstall(config: Config, binary: string): StargzInstall {
  return {
    binary,
    config: p2pStargzConfig(config).text,
    unit: renderStargzUnit({ fuseManager: config.stargzFuseManager }),
    fuseManager: config.stargzFuseManager,
    patchContainerdConfig: mergeContainerdConfigForMajor,
  }
}
