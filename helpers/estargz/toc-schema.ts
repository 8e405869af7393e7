// The TOC JSON's shape (docs/estargz.md "TOC and TOCEntries"): only the fields the checks rely on are
// typed; anything else is allowed through untouched, since the digest is over the raw bytes anyway.
import { z } from 'zod'
import { TOC_ENTRY_TYPES, TOC_VERSION } from './format.ts'
import { invalid } from './errors.ts'

const count = z.number().int().nonnegative()
const sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" + 64 lowercase hex digits')

const tocEntry = z.object({
  name: z.string(),
  type: z.enum(TOC_ENTRY_TYPES),
  size: count.optional(),
  linkName: z.string().optional(),
  offset: count.optional(),
  innerOffset: count.optional(),
  chunkOffset: count.optional(),
  /** 0 or absent: the chunk runs to the end of the file */
  chunkSize: count.optional(),
  chunkDigest: sha256.optional(),
  digest: sha256.optional(),
})

const toc = z.object({
  version: z.literal(TOC_VERSION),
  entries: z.array(tocEntry),
})

export type TocEntry = z.infer<typeof tocEntry>
export type Toc = z.infer<typeof toc>

/** Parses the TOC JSON text; rejects with the first problem and where it is ("entries[3].type: ..."). */
export function parseToc(json: string, where: string): Toc {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    invalid(`${where} is not JSON: ${(error as Error).message}`)
  }
  const result = toc.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
    const entry = describeEntryAt(value, issue?.path[1])
    invalid(
      `${where} has the wrong shape at ${path.replace(/^\./, '') || 'the top'}${entry}: ${issue?.message}`,
    )
  }
  return result.data
}

function describeEntryAt(value: unknown, index: PropertyKey | undefined): string {
  if (typeof index !== 'number' || typeof value !== 'object' || value === null) return ''
  const entries = (value as { entries?: unknown }).entries
  const entry = Array.isArray(entries) ? (entries[index] as { name?: unknown } | undefined) : undefined
  return typeof entry?.name === 'string' ? ` (${JSON.stringify(entry.name)})` : ''
}
