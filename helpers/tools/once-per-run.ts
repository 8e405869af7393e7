// A profile's tools, each resolved once per run (concurrent callers share the resolution); a failure
// is not remembered, so the next caller tries again. `onTool` hears of each tool as it is obtained.
import type { Config } from '../run/config.ts'
import type { ToolName } from '../base/versions.ts'
import { obtainTool } from './obtain.ts'
import type { ObtainedTool } from './types.ts'

export type ToolResolver = (name: ToolName, log?: (l: string) => void) => Promise<ObtainedTool>

export function toolsOncePerRun(config: Config, onTool: (t: ObtainedTool) => void): ToolResolver {
  const tools = new Map<ToolName, Promise<ObtainedTool>>()
  return (name, log = () => {}) => {
    let t = tools.get(name)
    if (!t) {
      t = obtainTool(name, config, { log }).then((o) => (onTool(o), o))
      t.catch(() => tools.delete(name))
      tools.set(name, t)
    }
    return t
  }
}
