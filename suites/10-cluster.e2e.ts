// Chapter 1 (guide: "create a kind cluster"): the nodes, each with systemd and containerd running.
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { exec } from '../helpers/profiles/node.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import { requires, runConfig, updateState } from '../helpers/run/state.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('cluster', () => {
  beforeEach(async (ctx) => {
    await labelChapter('cluster')
    requires(ctx, 'preflight')
  })

  test('nodes are created and running containerd', async (ctx) => {
    stepOf(ctx, 'nodes-ready')
    const profile = await profileFor(runConfig())
    const cluster = await timed('cluster', (log) => profile.createCluster(log))
    updateState((s) => {
      s.nodes = cluster.nodes
      s.network = cluster.network
    })
    await timed('node tools', (log) => profile.prepareNodes(cluster.nodes, log))
    const states = await Promise.all(
      cluster.nodes.map(async (n) => ({
        node: n.name,
        ip: n.ip,
        containerd: (await exec(n, ['ctr', 'version'], { allowFailure: true })).exitCode === 0,
      })),
    )
    const down = states.filter((s) => !s.containerd).map((s) => s.node)
    await judge('nodes-ready', {
      passed: down.length === 0 && states.length === runConfig().workers + 1,
      diagnosis: down.length
        ? `containerd is not answering on ${down.join(', ')}: see 'journalctl -u containerd' in those nodes`
        : `${states.length} nodes up: ${states.map((s) => `${s.node} (${s.ip})`).join(', ')}`,
      evidence: states,
    })
  })
})
