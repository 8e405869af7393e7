// Small Markdown building blocks shared by summary.md and the merged compatibility table.
import type { CheckStatus } from '../run/state.ts'

/** One table cell: no line breaks, pipes escaped, runs of blanks collapsed. */
export function cell(text: string | number): string {
  return String(text).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()
}

export type Align = 'left' | 'right' | 'center'

/** A GitHub-flavoured Markdown table; `align` per column (default left). */
export function table(header: string[], rows: (string | number)[][], align: Align[] = []): string {
  const rule = header.map((_, i) => {
    const a = align[i] ?? 'left'
    return a === 'right' ? '---:' : a === 'center' ? ':---:' : '---'
  })
  const line = (cells: (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n')
}

/** Bytes for people: B and KiB for small blobs (configs, probes), MiB above, GiB from 10 GiB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 10 * 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`
}

/** An ISO timestamp as "2026-11-27 21:48:39 UTC" (unchanged if it does not parse). */
export function utc(iso: string): string {
  const t = Date.parse(iso)
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : iso
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

export function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1')
}

export const STATUS_MARK: Record<CheckStatus, string> = {
  passed: '✅ pass',
  failed: '❌ fail',
  'not run': '⏸️ not run',
}
