// A chapter whose prerequisites an earlier chapter did not produce skips itself, naming them,
// instead of creating anything (e.g. no cluster after a failed preflight).
import { describe, expect, test } from 'vitest'
import { requires, runState } from '../../../helpers/run-context.ts'

describe('requires', () => {
  test('skips, naming what is missing, until the earlier chapters have produced it', () => {
    const notes: string[] = []
    const ctx = { skip: (note?: string) => void notes.push(note ?? '') }
    requires(ctx, 'preflight', 'nodes')
    expect(notes).toEqual(['needs preflight, nodes from an earlier chapter, which did not complete'])
    runState().marks.preflight = 'ok'
    runState().nodes.push({ name: 'n', container: 'n', role: 'worker', ip: '10.0.0.1' })
    requires(ctx, 'preflight', 'nodes')
    expect(notes).toHaveLength(1)
  })
})
