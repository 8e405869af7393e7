// The snapshotter's own store on a kind worker (real capture): which layers a cold reset removes.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { snapshotRows, unusedRemoteLayers } from '../../../helpers/stargz/remote-layers.ts'

const backend = snapshotRows(
  readFileSync(
    path.join(import.meta.dirname, '../../../fixtures/stargz/backend-snapshots-kind-worker.txt'),
    'utf8',
  ),
)
const CHAIN = 'sha256:bc93c2b64ecaadc937cf0e39640786478dba3c1b92e265df4bfa7dddef542730'

describe('unused remote layers', () => {
  test('the capture: one namespaced snapshot and one bare remote layer', () => {
    expect(backend.map((r) => r.key)).toEqual([
      'k8s.io/2/sha256:e8a2b6f8ab987fcac019f03d655148c3736e5478418bfaf13cd7289959bcca7b',
      CHAIN,
    ])
  })

  test('no namespace lists the chain id any more: the bare layer goes, the namespaced one stays', () => {
    expect(unusedRemoteLayers(backend, [])).toEqual([CHAIN])
  })

  test('a namespace still lists it (an image or a container uses it): it stays', () => {
    expect(unusedRemoteLayers(backend, [CHAIN])).toEqual([])
  })

  test('a stack of bare layers goes children first; a used child keeps its parents', () => {
    const upper = `sha256:${'a'.repeat(64)}`
    const stack = [...backend, { key: upper, parent: CHAIN }]
    expect(unusedRemoteLayers(stack, [])).toEqual([upper, CHAIN])
    expect(unusedRemoteLayers(stack, [upper])).toEqual([])
  })

  test('output that is not the table is refused', () => {
    expect(() => snapshotRows('ctr: connection refused\n')).toThrow(/not a 'ctr snapshots ls' table/)
    expect(snapshotRows('')).toEqual([])
  })
})
