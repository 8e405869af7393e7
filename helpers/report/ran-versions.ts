// What each component said its version is where it ran (the run state's tool entries), for the
// reports: one version, or each version with where it ran. A pin is what was asked for; this is what ran.
import type { ToolInfo } from '../run/state.ts'

/** One version, or "v1 on a, b; v2 on c"; undefined when nothing where it ran named a version. */
export function ranVersionOf(t: Pick<ToolInfo, 'ran'>): string | undefined {
  const byVersion = new Map<string, string[]>()
  for (const r of t.ran ?? [])
    if (r.version) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r.where])
  if (byVersion.size <= 1) return [...byVersion.keys()][0]
  return [...byVersion].map(([v, where]) => `${v} on ${where.join(', ')}`).join('; ')
}

/** Tool name → what ran, for every tool whose version was confirmed where it runs. */
export function ranVersions(tools: Pick<ToolInfo, 'name' | 'ran'>[]): Record<string, string> {
  return Object.fromEntries(
    tools.flatMap((t) => {
      const v = ranVersionOf(t)
      return v ? [[t.name, v]] : []
    }),
  )
}
