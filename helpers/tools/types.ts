// Shared types of the tool resolver: where a tool came from, and what each source reports back.
import type { ToolName } from '../base/versions.ts'

/** Where an obtained tool came from, in the order they are tried. */
export const TOOL_SOURCES = ['path', 'cache', 'download', 'build'] as const
export type ToolSource = (typeof TOOL_SOURCES)[number]

export interface ObtainedTool {
  tool: ToolName
  /** the version asked for (pinned, or overridden by D7Y_<TOOL>_VERSION) */
  version: string
  source: ToolSource
  /** absolute path of the primary binary */
  binary: string
  /** every binary of the tool by file name (containerd has three) */
  binaries: Record<string, string>
  /** one line a person can check: the PATH entry, the cache entry, the URL, the build recipe */
  detail: string
  /** why each earlier source was passed over, e.g. "download: sha256 is PENDING in helpers/base/versions.ts" */
  skipped: string[]
  /** the first line of the binary's version output, when it was run */
  versionOutput?: string
  durationMs: number
}

/** A source either provides the tool or says, in one line, why it could not. */
export type Attempt = { found: Found } | { skipped: string }

export interface Found {
  binaries: Record<string, string>
  detail: string
  versionOutput?: string
}

/** Progress lines for people watching a long step. */
export type Log = (line: string) => void
