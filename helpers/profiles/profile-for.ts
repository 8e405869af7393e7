// Picks the profile the configuration names. Chapters only ever see the Profile interface.
import type { Config } from '../run/config.ts'
import type { Profile } from './profile.ts'
import { localProfile } from '../local/profile.ts'
import { updateState } from '../run/state.ts'
import type { ObtainedTool } from '../tools/types.ts'

function recordTool(t: ObtainedTool): void {
  console.log(`tool ${t.tool} ${t.version}: ${t.source} (${t.detail})`)
  updateState((s) => {
    s.tools = s.tools.filter((x) => x.name !== t.tool)
    s.tools.push({ name: t.tool, version: t.version, source: t.source, path: t.binary })
  })
}

let current: Profile | undefined

export async function profileFor(config: Config): Promise<Profile> {
  if (!current) {
    if (config.profile === 'local') current = localProfile(config, recordTool)
    else if (config.profile === 'cluster') {
      const { clusterProfile } = await import('../cluster/profile.ts')
      current = clusterProfile(config, recordTool)
    } else {
      const { kindProfile } = await import('../kind/profile.ts')
      current = kindProfile(config, recordTool)
    }
  }
  return current
}
