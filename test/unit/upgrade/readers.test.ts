import { readFileSync } from 'node:fs'
import type { V1Pod } from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import { podReaderState } from '../../../helpers/kind/pod-reader.ts'
import type { Node } from '../../../helpers/profiles/node.ts'
import { readersOn } from '../../../helpers/upgrade/readers.ts'

const pod = JSON.parse(
  readFileSync(new URL('../../../fixtures/upgrade/pod-dfdaemon-2-restarts.json', import.meta.url), 'utf8'),
) as V1Pod

describe('the upgrade readers', () => {
  test("a Pod's state is its container's id, whether it runs, since when and its restarts (real pod)", () => {
    const s = podReaderState('w1 (Pod)', pod)
    expect(s).toEqual({
      node: 'w1 (Pod)',
      id: '00f73f3cf33b0cf73ee9cc98c8ff52ba5f998c1676764737f27be81b784d26e1',
      running: true,
      startedAt: '2026-12-05T17:41:14.000Z',
      restartCount: 2,
    })
  })

  test('a Pod that ended is not running, and a restart shows in the count (the step verdict sees both)', () => {
    const ended = structuredClone(pod)
    const c = ended.status!.containerStatuses![0]!
    c.state = { terminated: { exitCode: 1, reason: 'Error' } }
    expect(podReaderState('w1 (Pod)', ended)).toMatchObject({
      running: false,
      startedAt: '',
      restartCount: 2,
    })
  })

  test('a container reader on every worker, and a Pod reader beside it where the profile runs Pods', () => {
    const workers = [{ name: 'w1' }, { name: 'w2' }] as Node[]
    expect(readersOn({}, workers).map((r) => r.label)).toEqual(['w1', 'w2'])
    const readerPod = {
      start: async () => '',
      state: async () => podReaderState('x', pod),
      logText: async () => '',
      remove: async () => {},
    }
    const both = readersOn({ readerPod }, workers)
    expect(both.map((r) => r.label)).toEqual(['w1', 'w2', 'w1 (Pod)', 'w2 (Pod)'])
  })

  test("a Pod reader's state carries its label, not the node's name", async () => {
    const readerPod = {
      start: async () => '',
      state: async () => podReaderState('w1', pod),
      logText: async () => '',
      remove: async () => {},
    }
    const [, podReader] = readersOn({ readerPod }, [{ name: 'w1' }] as Node[])
    expect((await podReader!.state()).node).toBe('w1 (Pod)')
  })
})
