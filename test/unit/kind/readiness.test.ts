// Readings of Kubernetes objects: nodes, workloads, Dragonfly components, peer Service endpoints.
import type {
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import {
  componentStatuses,
  daemonSetReadiness,
  deploymentReadiness,
  endpointsFromSlices,
  nodesReadiness,
  podDetail,
  podOn,
  statefulSetReadiness,
} from '../../../helpers/kind/readiness.ts'

const node = (name: string, ready: 'True' | 'False' | 'Unknown'): V1Node => ({
  metadata: { name },
  status: { conditions: [{ type: 'Ready', status: ready }] },
})

function pod(
  name: string,
  component: string,
  nodeName: string,
  ready: boolean,
  extra: Partial<V1Pod['status']> = {},
): V1Pod {
  return {
    metadata: { name, labels: { app: 'dragonfly', component }, uid: name },
    spec: { nodeName, containers: [{ name: component }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...extra },
  }
}

describe('nodes', () => {
  test('ready only when every expected node is there and Ready', () => {
    expect(nodesReadiness([node('a', 'True'), node('b', 'True')], 2)).toEqual({
      ready: true,
      detail: '2/2 nodes Ready',
    })
    expect(nodesReadiness([node('a', 'True'), node('b', 'Unknown')], 2)).toEqual({
      ready: false,
      detail: '1/2 nodes Ready (not ready: b)',
    })
    expect(nodesReadiness([node('a', 'True')], 3).ready).toBe(false)
  })
})

describe('workloads', () => {
  test('Deployment: generation observed, every replica updated, ready, available', () => {
    const d: V1Deployment = {
      metadata: { name: 'manager', generation: 2 },
      spec: { replicas: 1, selector: {}, template: {} },
      status: {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'Available', status: 'True' }],
      },
    }
    expect(deploymentReadiness(d)).toMatchObject({ kind: 'Deployment', name: 'manager', ready: true })
    const stale = { ...d, status: { ...d.status, observedGeneration: 1 } }
    expect(deploymentReadiness(stale).ready).toBe(false)
    const down = {
      ...d,
      status: {
        ...d.status,
        availableReplicas: 0,
        conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }],
      },
    }
    expect(deploymentReadiness(down)).toMatchObject({
      ready: false,
      detail: expect.stringContaining('MinimumReplicasUnavailable'),
    })
  })

  test('StatefulSet: ready and updated replicas, rollout finished', () => {
    const st: V1StatefulSet = {
      metadata: { name: 'seed', generation: 1 },
      spec: { replicas: 1, selector: {}, serviceName: 's', template: {} },
      status: {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'r1',
        updateRevision: 'r1',
      },
    }
    expect(statefulSetReadiness(st).ready).toBe(true)
    expect(statefulSetReadiness({ ...st, status: { ...st.status!, updateRevision: 'r2' } })).toMatchObject({
      ready: false,
      detail: expect.stringContaining('rollout in progress'),
    })
    expect(statefulSetReadiness({ ...st, status: { ...st.status!, readyReplicas: 0 } }).ready).toBe(false)
  })

  test('DaemonSet: every scheduled pod ready and updated; none scheduled is not ready', () => {
    const ds: V1DaemonSet = {
      metadata: { name: 'client', generation: 3 },
      status: {
        observedGeneration: 3,
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        numberMisscheduled: 0,
        numberReady: 2,
        updatedNumberScheduled: 2,
      },
    }
    expect(daemonSetReadiness(ds)).toMatchObject({ ready: true, detail: '2/2 ready, 2 updated' })
    expect(daemonSetReadiness({ ...ds, status: { ...ds.status!, numberReady: 1 } }).ready).toBe(false)
    expect(
      daemonSetReadiness({
        ...ds,
        status: { ...ds.status!, desiredNumberScheduled: 0, numberReady: 0, updatedNumberScheduled: 0 },
      }).ready,
    ).toBe(false)
  })
})

describe('Dragonfly components', () => {
  test('scheduler, seed peer, and a client per worker; a worker without a client pod is reported', () => {
    const pods = [
      pod('sched-0', 'scheduler', 'w1', true),
      pod('seed-0', 'seed-client', 'w2', true),
      pod('client-a', 'client', 'w1', true),
      pod('mysql-0', 'mysql', 'w1', true),
    ]
    expect(componentStatuses(pods, ['w1', 'w2'])).toEqual([
      {
        component: 'scheduler',
        where: 'w1',
        ok: true,
        detail: 'pod sched-0 on w1: Running, ready, 0 restarts',
      },
      {
        component: 'seed-peer',
        where: 'w2',
        ok: true,
        detail: 'pod seed-0 on w2: Running, ready, 0 restarts',
      },
      {
        component: 'client',
        where: 'w1',
        ok: true,
        detail: 'pod client-a on w1: Running, ready, 0 restarts',
      },
      { component: 'client', where: 'w2', ok: false, detail: 'no client pod scheduled on w2' },
    ])
  })

  test('a missing component is a failed status, not an absent one', () => {
    const s = componentStatuses([pod('client-a', 'client', 'w1', true)], ['w1'])
    expect(s.filter((x) => !x.ok).map((x) => x.component)).toEqual(['scheduler', 'seed-peer'])
  })

  test('pod detail says why a container waits and counts restarts', () => {
    const p = pod('client-a', 'client', 'w1', false, {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'wait-for-scheduler',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { running: {} },
        },
      ],
      containerStatuses: [
        {
          name: 'client',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    })
    expect(podDetail(p)).toBe('pod client-a on w1: Pending, not ready, 3 restarts (client: CrashLoopBackOff)')
  })

  test('the pod of a component on a node: the ready one first, terminating ones never', () => {
    const old = pod('client-old', 'client', 'w1', true)
    old.metadata!.deletionTimestamp = new Date()
    const pods = [
      old,
      pod('client-new', 'client', 'w1', false),
      pod('client-ready', 'client', 'w1', true),
      pod('client-w2', 'client', 'w2', true),
    ]
    expect(podOn(pods, 'client', 'w1')?.metadata?.name).toBe('client-ready')
    expect(podOn(pods.slice(0, 2), 'client', 'w1')?.metadata?.name).toBe('client-new')
    expect(podOn(pods, 'seed-client')).toBeUndefined()
  })
})

describe('peer Service endpoints', () => {
  test('ready endpoints by node, deduplicated across slices, sorted', () => {
    const slices: V1EndpointSlice[] = [
      {
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['172.18.0.4'], nodeName: 'w2', conditions: { ready: true } },
          { addresses: ['172.18.0.3'], nodeName: 'w1', conditions: { ready: true } },
          { addresses: ['172.18.0.5'], nodeName: 'w3', conditions: { ready: false } },
        ],
      },
      { addressType: 'IPv4', endpoints: [{ addresses: ['172.18.0.3'], nodeName: 'w1' }] },
    ]
    expect(endpointsFromSlices(slices)).toEqual([
      { node: 'w1', ip: '172.18.0.3' },
      { node: 'w2', ip: '172.18.0.4' },
    ])
  })

  test('a Service whose selector matches nothing has no endpoints', () => {
    expect(endpointsFromSlices([{ addressType: 'IPv4', endpoints: [] }])).toEqual([])
    expect(endpointsFromSlices([])).toEqual([])
  })
})
