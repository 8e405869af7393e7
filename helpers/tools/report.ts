// How obtained tools are shown: one line per tool for the console, one record per tool for summary.json.
import { formatDuration } from './steps.ts'
import type { ObtainedTool, ToolSource } from './types.ts'

export interface ToolSummary {
  version: string
  source: ToolSource
  binary: string
  binaries: Record<string, string>
  detail: string
  versionOutput?: string
  skipped: string[]
  durationMs: number
}

/** For summary.json: `{ tools: toolsSummary(obtained) }`. */
export function toolsSummary(tools: readonly ObtainedTool[]): Record<string, ToolSummary> {
  return Object.fromEntries(
    tools.map((t) => [
      t.tool,
      {
        version: t.version,
        source: t.source,
        binary: t.binary,
        binaries: t.binaries,
        detail: t.detail,
        ...(t.versionOutput !== undefined ? { versionOutput: t.versionOutput } : {}),
        skipped: t.skipped,
        durationMs: t.durationMs,
      },
    ]),
  )
}

/** "containerd  v2.2.1  build     /…/bin/containerd  (6m12s)  containerd github.com/… v2.2.1" */
export function toolLine(t: ObtainedTool): string {
  return [
    t.tool.padEnd(11),
    t.version.padEnd(8),
    t.source.padEnd(8),
    t.binary,
    `(${formatDuration(t.durationMs)})`,
    t.versionOutput ? `— ${t.versionOutput}` : '',
  ]
    .join('  ')
    .trimEnd()
}
