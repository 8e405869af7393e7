// The fault catalog's components stopped and started on kind, as the commands an operator types:
// recorded by the plan's IO, so the order is the one a run takes.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { NAMED_BINARIES } from '../../../helpers/kind/commands.ts'
import type { Flow } from '../../../helpers/kind/flow.ts'
import { kindLayout } from '../../../helpers/kind/layout.ts'
import { recordingIO, type RecordedStep } from '../../../helpers/kind/step-io.ts'
import { startKind, stopKind } from '../../../helpers/kind/stop-start.ts'
import { helmValues } from '../../../helpers/render/helm-values.ts'

const config = loadConfig({ D7Y_CACHE_DIR: '/c', D7Y_PROFILE: 'kind' })
const flow: Flow = {
  config,
  ctx: { config, bin: NAMED_BINARIES, layout: kindLayout(config) },
  engine: 'podman',
  runId: 'r',
  kube: () => {
    throw new Error('the plan never calls the API')
  },
}
const kubectl = (line: string) => line.replace(/^kubectl --kubeconfig \S+ /, '')

async function recorded(work: (io: ReturnType<typeof recordingIO>) => Promise<void>): Promise<string[]> {
  const step: RecordedStep = { commands: [], files: [] }
  await work(recordingIO(step))
  return step.commands.map(kubectl)
}

describe('a worker’s dfdaemon (a DaemonSet pod)', () => {
  test('its node is tainted before its pod goes, so the DaemonSet does not put it back', async () => {
    const lines = await recorded((io) => stopKind(io, flow, 'client', 'w2'))
    expect(lines[0]).toMatch(/^taint nodes w2 d7y-conformance\/dfdaemon-stopped=true:NoSchedule/)
    expect(lines[1]).toMatch(
      /^delete pods --namespace dragonfly-system --selector \S*component=client\S* --field-selector spec.nodeName=w2 --wait=true/,
    )
    expect(lines[2]).toBe('# wait: no client pod on w2 left (API, polled)')
  })

  test('started: the taint comes off, and the DaemonSet rolls it back out', async () => {
    const lines = await recorded((io) => startKind(io, flow, 'client', 'w2', helmValues(config)))
    expect(lines[0]).toMatch(/^taint nodes w2 d7y-conformance\/dfdaemon-stopped:NoSchedule-/)
    expect(lines).toHaveLength(2)
  })
})

describe('the scheduler and the seed peer (StatefulSets)', () => {
  test('scaled to 0, and back to the replicas the values give', async () => {
    const values = helmValues(config)
    expect(await recorded((io) => stopKind(io, flow, 'seed-peer', 'cp'))).toEqual([
      expect.stringMatching(
        /^scale statefulset --namespace dragonfly-system --selector \S*component=seed-client\S* --replicas=0$/,
      ),
      '# wait: no seed-client pod left (API, polled)',
    ])
    const seed = await recorded((io) => startKind(io, flow, 'seed-peer', 'cp', values))
    expect(seed[0]).toMatch(new RegExp(`component=seed-client\\S* --replicas=${values.seedClient.replicas}$`))
    expect(seed).toHaveLength(2)
  })

  test('a started scheduler has the seed peer, then the clients, restart and announce themselves', async () => {
    const lines = await recorded((io) => startKind(io, flow, 'scheduler', 'cp', helmValues(config)))
    expect(lines[0]).toMatch(/component=scheduler\S* --replicas=1$/)
    expect(lines[2]).toMatch(/^rollout restart daemonset,statefulset .*component=seed-client/)
    expect(lines[3]).toMatch(/^rollout restart daemonset,statefulset .*component=client/)
    expect(lines[4]).toMatch(/^# wait: the seed peer and the clients restarted/)
  })
})
