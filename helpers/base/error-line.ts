import { CommandError } from './exec.ts'

/**
 * One line for a report cell: an error's first line (what failed) and, for a command, the last
 * line it wrote to stderr (why it failed; the gate of 2026-12-05 kept only "exited 123").
 */
export function errorLine(err: unknown): string {
  const first =
    String(err instanceof Error ? err.message : err)
      .trim()
      .split('\n')[0] || 'an error without a message'
  const why = err instanceof CommandError ? lastLine(err.result.stderr) : undefined
  return why ? `${first} — ${why}` : first
}

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop()
}
