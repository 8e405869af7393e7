// Chapter 2 (guide: "install Dragonfly with Helm"): scheduler, seed peer, and a dfdaemon on every
// worker whose proxy is the node's 127.0.0.1:4001, all from the one Helm values file. Ready means what
// the profile can prove (local: health endpoints and the scheduler's log of each host's announcement).
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import { runConfig, runState, workers, requires } from '../helpers/run/state.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('dragonfly', () => {
  beforeEach(async (ctx) => {
    await labelChapter('dragonfly')
    requires(ctx, 'nodes', 'registry')
  })

  test('scheduler, seed peer and clients are serving', async (ctx) => {
    stepOf(ctx, 'dragonfly-ready')
    const profile = await profileFor(runConfig())
    await timed('dragonfly', (log) =>
      profile.deployDragonfly(runState().nodes, runState().registry!.host, log),
    )
    const status = await profile.dragonflyStatus(runState().nodes)
    const down = status.filter((s) => !s.ok)
    const clients = status.filter((s) => s.component === 'client' && s.ok).length
    await judge('dragonfly-ready', {
      passed: down.length === 0 && clients === workers().length,
      diagnosis: down.length
        ? `not ready: ${down.map((d) => `${d.component} on ${d.where} (${d.detail})`).join('; ')}`
        : `scheduler, seed peer and ${clients} clients ready: ${status.map((s) => `${s.where}: ${s.detail}`).join('; ')}`,
      evidence: status,
    })
  })

  test('the peer Service has an endpoint on every worker', async (ctx) => {
    stepOf(ctx, 'peer-endpoints')
    const profile = await profileFor(runConfig())
    if (!profile.peerServiceEndpoints) return ctx.skip('this profile has no Kubernetes Services')
    const endpoints = await profile.peerServiceEndpoints()
    const missing = workers().filter((w) => !endpoints.some((e) => e.node === w.name))
    // An endpoint needs a ready client pod first; only with one is the selector to blame.
    const serving = new Set(
      (await profile.dragonflyStatus(runState().nodes))
        .filter((s) => s.component === 'client' && s.ok)
        .map((s) => s.where),
    )
    const noClient = missing.filter((m) => !serving.has(m.name)).map((m) => m.name)
    const unselected = missing.filter((m) => serving.has(m.name)).map((m) => m.name)
    await judge('peer-endpoints', {
      passed: missing.length === 0,
      diagnosis: missing.length
        ? [
            noClient.length
              ? `no ready dfdaemon client pod on ${noClient.join(', ')} (see dragonfly-ready), so no endpoint there`
              : '',
            unselected.length
              ? `no endpoint on ${unselected.join(', ')} although its client pod is ready: the Service selector does not match the client pods' labels (chart >= 1.4.3 has no 'release' pod label)`
              : '',
          ]
            .filter(Boolean)
            .join('; ')
        : `endpoints on ${endpoints.map((e) => `${e.node} (${e.ip})`).join(', ')}`,
      evidence: endpoints,
    })
  })
})
