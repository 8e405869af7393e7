// Reads a summary.json written by another run (a CI matrix job): checks the parts a reader relies on
// and says in one line what is wrong with a file that is not a summary.
import { z } from 'zod'
import type { Summary } from './summary.ts'

const summarySchema = z.looseObject({
  profile: z.string(),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  passed: z.boolean(),
  versions: z.object({
    tools: z.record(z.string(), z.string()),
    chart: z.string(),
    images: z.record(z.string(), z.string()),
    // summaries written before 2026-12-05 have no record of what ran
    ran: z.record(z.string(), z.string()).default({}),
  }),
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['passed', 'failed', 'not run']),
      diagnosis: z.string(),
    }),
  ),
  notes: z.array(z.string()).default([]),
})

export class SummaryFormatError extends Error {
  override name = 'SummaryFormatError'
}

/** Parses summary.json text; throws SummaryFormatError naming the first problem. */
export function parseSummary(text: string): Summary {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new SummaryFormatError(`not JSON (${(error as Error).message})`)
  }
  const parsed = summarySchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') || '(root)'
    throw new SummaryFormatError(`not a conformance summary: ${where}: ${issue?.message ?? 'invalid'}`)
  }
  // Fields the reader does not use (toolSources, origin, benchmark) are kept as they were.
  const data = parsed.data as Partial<Summary> & typeof parsed.data
  return { toolSources: [], origin: {}, ...data }
}
