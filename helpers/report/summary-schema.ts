// Reads a summary.json written by another run (a CI matrix job, the other side of a comparison):
// checks the parts a reader relies on and says in one line what is wrong with a file that is not a
// summary.
import { z } from 'zod'
import { FOOTPRINT_COMPONENTS } from '../evidence/daemon-footprint.ts'
import { benchmarkReportSchema } from './benchmark-types.ts'
import type { Summary } from './summary.ts'

const originRow = z.looseObject({
  digest: z.string(),
  size: z.number(),
  nodes: z.number(),
  bytesServed: z.number(),
  amplification: z.number(),
})

const onDemandFigures = z.looseObject({
  digest: z.string(),
  size: z.number(),
  rawAmplification: z.number(),
  attributedAmplification: z.number(),
  excusedBytes: z.number(),
  missedReads: z.number(),
  fetchedTwiceBytes: z.number(),
  parentWaitMs: z.record(z.string(), z.number()),
})

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
  // the figures `compare` holds side by side; absent where the run stopped before them
  origin: z
    .looseObject({
      p2p: z.array(originRow).optional(),
      control: z.array(originRow).optional(),
      // summaries written before 2026-12-05 have no on-demand figures
      p2pOnDemand: z.array(onDemandFigures).optional(),
    })
    .default({}),
  benchmark: benchmarkReportSchema.optional(),
  faults: z.array(z.looseObject({ id: z.string(), ok: z.boolean() })).optional(),
  // summaries written before 2026-12-06 have no footprint
  footprint: z
    .array(
      z.object({
        component: z.enum(FOOTPRINT_COMPONENTS),
        node: z.string(),
        highWaterMemBytes: z.number(),
        cpuSeconds: z.number(),
        processes: z.number(),
      }),
    )
    .optional(),
})

/** A summary read from elsewhere, with where it came from (a file name) to tell runs apart. */
export interface SummaryInput {
  source: string
  summary: Summary
}

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
  // Fields no reader relies on (toolSources, the fault results' details) are kept as they were.
  const data = parsed.data as Partial<Summary> & typeof parsed.data
  return { toolSources: [], ...data }
}
