// Chapter 3 (guide: "install the stargz snapshotter"): binary, config.toml, systemd unit and the
// containerd proxy plugin on every worker, then `ctr plugin ls` must show stargz "ok".
import * as allure from 'allure-js-commons'
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { profileFor } from '../helpers/profiles.ts'
import { timed } from '../helpers/progress.ts'
import { runConfig, workers, requires } from '../helpers/run-context.ts'
import { p2pStargzConfig, stargzInstall } from '../helpers/stargz/configs.ts'
import { installStargz, stargzPlugin } from '../helpers/stargz/install.ts'
import { labelChapter } from '../helpers/allure-labels.ts'

describe('stargz snapshotter on every worker', () => {
  beforeEach(async (ctx) => {
    await labelChapter('stargz')
    requires(ctx, 'nodes')
  })

  test('installed and serving', async (ctx) => {
    stepOf(ctx, 'stargz-plugin')
    const config = runConfig()
    const profile = await profileFor(config)
    const install = stargzInstall(config, await profile.stargzBinary())
    await allure.attachment('config.toml', install.config, 'text/plain')
    await allure.attachment('stargz-snapshotter.service', install.unit, 'text/plain')
    const stepMs = config.stepTimeoutMinutes * 60_000
    const errors = new Map<string, string>()
    await timed('stargz', async (log) => {
      log(`config: ${p2pStargzConfig(config).source}`)
      for (const w of workers())
        await installStargz(w, install, stepMs).catch((err: Error) => errors.set(w.name, err.message))
    })
    const plugins = await Promise.all(
      workers().map(async (w) => ({
        node: w.name,
        ...(await stargzPlugin(w)),
        installError: errors.get(w.name),
      })),
    )
    const bad = plugins.filter((p) => p.status !== 'ok')
    await judge('stargz-plugin', {
      passed: bad.length === 0,
      diagnosis: bad.length
        ? `stargz plugin not ok on ${bad.map((b) => `${b.node} (${b.status}${b.installError ? `; ${b.installError}` : ''})`).join(', ')}: see 'journalctl -u stargz-snapshotter' and /etc/containerd/config.toml there`
        : `ctr plugin ls: ${plugins.map((p) => `${p.node}: ${p.row}`).join('; ')}`,
      evidence: plugins,
    })
  })
})
