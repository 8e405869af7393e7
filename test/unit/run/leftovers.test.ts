// Preflight names what an earlier run with the same cluster name left behind, and the command that
// removes it (measured: a leftover node container made the cluster chapter fail with a raw docker error).
import { describe, expect, test } from 'vitest'
import { leftoverProblems, plannedNames } from '../../../helpers/run/leftovers.ts'
import { testConfig } from '../report/fixtures.ts'

const none = { containers: [], volumes: [], networks: [] }

describe('leftovers', () => {
  test("the local profile's names: nodes as kind names them, their volumes, the network, the registry", () => {
    expect(plannedNames(testConfig('local'))).toEqual({
      containers: [
        'd7y-stargz-control-plane',
        'd7y-stargz-worker',
        'd7y-stargz-worker2',
        'd7y-stargz-registry',
      ],
      volumes: [
        'd7y-stargz-control-plane-containerd',
        'd7y-stargz-control-plane-stargz',
        'd7y-stargz-worker-containerd',
        'd7y-stargz-worker-stargz',
        'd7y-stargz-worker2-containerd',
        'd7y-stargz-worker2-stargz',
      ],
      networks: ['d7y-stargz-net'],
    })
  })

  test('nothing of an earlier run: no problem', () => {
    const existing = {
      containers: ['other-worker', 'd7y-stargz-worker3'],
      volumes: ['x'],
      networks: ['bridge', 'kind'],
    }
    expect(leftoverProblems(testConfig('local'), existing)).toEqual([])
    expect(leftoverProblems(testConfig('local'), none)).toEqual([])
  })

  test('a kept local run: every leftover named, with the command that removes them', () => {
    const existing = {
      containers: ['d7y-stargz-worker', 'd7y-stargz-registry', 'unrelated'],
      volumes: ['d7y-stargz-worker-containerd', 'd7y-stargz-worker-stargz'],
      networks: ['bridge', 'd7y-stargz-net'],
    }
    expect(leftoverProblems(testConfig('local'), existing)).toEqual([
      {
        what: 'leftovers of an earlier run with the cluster name d7y-stargz: container(s) d7y-stargz-worker, d7y-stargz-registry; volume(s) d7y-stargz-worker-containerd, d7y-stargz-worker-stargz; network(s) d7y-stargz-net',
        fix: 'remove them: docker rm -f -v d7y-stargz-worker d7y-stargz-registry && docker volume rm d7y-stargz-worker-containerd d7y-stargz-worker-stargz && docker network rm d7y-stargz-net (npx d7y-conformance clean removes those of every run), or pick another name: D7Y_CLUSTER_NAME',
      },
    ])
  })

  test('kind: a leftover cluster is deleted with kind, unless it is to be reused', () => {
    const existing = {
      ...none,
      containers: ['d7y-stargz-control-plane', 'd7y-stargz-worker', 'd7y-stargz-registry'],
    }
    const [problem] = leftoverProblems(testConfig('kind'), existing)
    expect(problem?.fix).toBe(
      'remove them: kind delete cluster --name d7y-stargz && docker rm -f -v d7y-stargz-registry (npx d7y-conformance clean removes those of every run) (or reuse that cluster: D7Y_REUSE_CLUSTER=true), or pick another name: D7Y_CLUSTER_NAME',
    )
    const reused = leftoverProblems(testConfig('kind', { D7Y_REUSE_CLUSTER: 'true' }), existing)
    expect(reused.map((p) => p.what)).toEqual([
      'leftovers of an earlier run with the cluster name d7y-stargz: container(s) d7y-stargz-registry',
    ])
  })
})
