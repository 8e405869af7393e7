// A version set: which versions of the upgradable components a side of an upgrade runs, written
// `stargz=v0.19.1,dfdaemon=1.5.10,scheduler=v2.5.1` (D7Y_UPGRADE_FROM, D7Y_UPGRADE_TO). A component
// left out runs its pin. `client` is dfdaemon's name in the chart; `dragonfly` sets the scheduler and
// the manager together (they are released together). Parsed and refused before any work.
import { z } from 'zod'

/** What the upgrade replaces, in the order a maintainer would: the snapshotter, the peers, the control plane. */
export const UPGRADE_STEPS = ['stargz', 'dfdaemon', 'scheduler', 'manager', 'chart'] as const
export type UpgradeComponent = (typeof UPGRADE_STEPS)[number]
export type VersionSet = Partial<Record<UpgradeComponent, string>>

const ALIASES: Record<string, UpgradeComponent[]> = {
  stargz: ['stargz'],
  dfdaemon: ['dfdaemon'],
  client: ['dfdaemon'],
  scheduler: ['scheduler'],
  manager: ['manager'],
  dragonfly: ['scheduler', 'manager'],
  chart: ['chart'],
}

const version = z.string().regex(/^v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/)

export class VersionSetError extends Error {
  override name = 'VersionSetError'
}

/** Parses `name=version,...`; throws VersionSetError naming the first bad item and what is accepted. */
export function parseVersionSet(text: string): VersionSet {
  const set: VersionSet = {}
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (items.length === 0) throw new VersionSetError('empty: expected name=version items')
  for (const item of items) {
    const m = /^([a-z]+)=(.+)$/.exec(item)
    if (!m) throw new VersionSetError(`${JSON.stringify(item)}: expected name=version`)
    const targets = ALIASES[m[1]!]
    if (!targets)
      throw new VersionSetError(
        `${JSON.stringify(m[1])} is not an upgradable component: expected one of ${Object.keys(ALIASES).join(', ')}`,
      )
    if (!version.safeParse(m[2]).success)
      throw new VersionSetError(`${item}: ${JSON.stringify(m[2])} is not a version like v1.2.3`)
    for (const t of targets) {
      if (set[t] !== undefined) throw new VersionSetError(`${t} is named twice`)
      set[t] = m[2]!
    }
  }
  return set
}

export function formatVersionSet(set: VersionSet): string {
  return UPGRADE_STEPS.filter((c) => set[c] !== undefined)
    .map((c) => `${c}=${set[c]}`)
    .join(',')
}

/** The steps an upgrade runs: every component the TO side names, in UPGRADE_STEPS order (same version: a restart in place). */
export function upgradeSteps(to: VersionSet): UpgradeComponent[] {
  return UPGRADE_STEPS.filter((c) => to[c] !== undefined)
}
