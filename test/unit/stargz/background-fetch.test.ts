// Which layers the snapshotter fetched whole, from the FUSE manager's real log (fixtures/logs/fuse-manager).
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { fetchedLayers } from '../../../helpers/stargz/background-fetch.ts'

const manager = readFileSync(
  new URL('../../../fixtures/logs/fuse-manager/stargz-fuse-manager.log', import.meta.url),
  'utf8',
)
const journal = readFileSync(
  new URL('../../../fixtures/logs/fuse-manager/stargz-journal.txt', import.meta.url),
  'utf8',
)

describe('fetchedLayers', () => {
  test('the P2P copy and the original, each once its background fetch finished', () => {
    expect([...fetchedLayers(manager)]).toEqual([
      'sha256:d325933562065d2e9df2a7dabb858b378d69bc46348502021052248b6edce2e2',
      'sha256:6cee77d48f0a3450e6d7486442a5536bddc356463d86ce6343bd5695fada0e74',
    ])
  })

  test('the journal alone says nothing of it with the FUSE manager; a cut line counts for nothing', () => {
    expect(fetchedLayers(journal).size).toBe(0)
    const line = manager.split('\n').find((l) => l.includes('background_fetch_total'))!
    expect(fetchedLayers(line.slice(0, 60)).size).toBe(0)
  })
})
