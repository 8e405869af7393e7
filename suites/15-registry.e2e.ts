// Chapter 1b (guide: "run a local registry"): the origin registry on the cluster's network,
// reachable from nodes by name, its access log kept as origin-side evidence.
import { beforeEach, describe, expect, test } from 'vitest'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import { requires, runConfig, runState, setRegistry, updateState } from '../helpers/run/state.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('origin registry', () => {
  beforeEach(async (ctx) => {
    await labelChapter('image')
    requires(ctx, 'nodes')
  })

  test('the registry answers on the cluster network', async () => {
    const config = runConfig()
    const profile = await profileFor(config)
    const registry = await timed('registry', (log) =>
      profile.startOrigin({ network: runState().network!, runId: runState().runId }, log),
    )
    setRegistry(registry)
    updateState((s) => {
      s.registry = { host: registry.host, localUrl: registry.localUrl, container: config.registryName }
    })
    const res = await fetch(`${registry.localUrl}/v2/`)
    expect(res.status).toBe(200)
  })
})
