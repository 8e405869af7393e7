// A chapter whose prerequisites an earlier chapter did not produce skips itself, naming them,
// instead of creating anything (e.g. no cluster after a failed preflight).
import { describe, expect, test } from 'vitest'
import { requires, runState } from '../../../helpers/run/state.ts'

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

describe('requires dragonfly', () => {
  test('no-restarts waits for the Dragonfly chapter to have judged readiness, green or red', () => {
    const notes: string[] = []
    const ctx = { skip: (note?: string) => void notes.push(note ?? '') }
    // nodes exist, but the registry chapter failed and Dragonfly was never deployed
    runState().nodes.push({ name: 'w', container: 'w', role: 'worker', ip: '10.0.0.2' })
    requires(ctx, 'nodes', 'dragonfly')
    expect(notes).toEqual(['needs dragonfly from an earlier chapter, which did not complete'])
    runState().checks.push({
      id: 'dragonfly-ready',
      title: 'Dragonfly is serving',
      status: 'failed',
      diagnosis: 'client not ready',
      evidence: '',
    })
    requires(ctx, 'nodes', 'dragonfly')
    expect(notes).toHaveLength(1)
  })
})
