// Chapter 3 (guide: "install the stargz snapshotter"): binary, config.toml, systemd unit and the
// containerd proxy plugin on every worker; then the snapshotter must answer containerd through the
// plugin (an empty snapshot prepared and removed), since `ctr plugin ls` says "ok" without connecting (plugin-check.ts).
import * as allure from 'allure-js-commons'
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import {
  collectRanVersions,
  versionMismatches,
  withRanVersions,
} from '../helpers/evidence/component-versions.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import { DFDAEMON_PORTS } from '../helpers/render/ports.ts'
import { registryHost } from '../helpers/render/stargz-config.ts'
import {
  loudNote,
  originRegistry,
  runConfig,
  runState,
  updateState,
  workers,
  requires,
} from '../helpers/run/state.ts'
import { lintStargzConfig } from '../helpers/stargz/config-lint.ts'
import { p2pStargzConfig, stargzInstall } from '../helpers/stargz/configs.ts'
import { installStargz } from '../helpers/stargz/install.ts'
import { stargzPluginVerdict, workerPluginStates } from '../helpers/stargz/plugin-check.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { versions } from '../helpers/base/versions.ts'
import { readNodeConfigs, writeNodeConfigs } from '../helpers/evidence/node-configs.ts'
import { stepLog } from '../helpers/base/progress.ts'

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
    if (config.snapshotterConfig) {
      // The user's own file is installed as written; its likely mistakes are said loudly, never judged.
      const lint = lintStargzConfig(install.config, {
        registry: registryHost(config),
        proxyPort: DFDAEMON_PORTS.proxy,
      })
      for (const finding of lint) loudNote(`D7Y_STARGZ_CONFIG ${config.snapshotterConfig}: ${finding}`)
    }
    const stepMs = config.stepTimeoutMinutes * 60_000
    const errors = new Map<string, string>()
    await timed('stargz', async (log) => {
      log(`config: ${p2pStargzConfig(config).source}`)
      for (const w of workers())
        await installStargz(w, install, stepMs).catch((err: Error) => errors.set(w.name, err.message))
    })
    const states = await workerPluginStates(workers(), errors)
    await judge('stargz-plugin', { ...stargzPluginVerdict(states), evidence: states })
  })

  test('what ran: each component says its version where it runs', async () => {
    // Recorded for the summary's tool entries; a difference from a pin is a loud note, not a verdict.
    const config = runConfig()
    const profile = await profileFor(config)
    const ran = await collectRanVersions(
      runState().nodes,
      runState().registry ? originRegistry() : undefined,
      await profile.dragonflyVersions(runState().nodes),
    )
    const pinned: Record<string, string> = {
      ...config.toolVersions,
      registry: versions.images.registry.tag,
      chart: config.chartVersion,
    }
    const s = updateState((st) => {
      st.tools = withRanVersions(st.tools, ran, pinned)
    })
    await allure.attachment('versions that ran.json', JSON.stringify(s.tools, null, 2), 'application/json')
    for (const m of versionMismatches(s.tools)) loudNote(`version that ran differs from the pin: ${m}`)
  })

  test('what ran: the configs in force on each node, read back from the nodes', async () => {
    // A user's D7Y_VALUES / D7Y_STARGZ_CONFIG shows here as it landed; reports/node-configs/ keeps them.
    const config = runConfig()
    const configs = await readNodeConfigs(runState().nodes)
    writeNodeConfigs(config.reportsDir, configs)
    const log = stepLog('configs')
    for (const c of configs) {
      log(`${c.node}:${c.path} sha256 ${c.sha256.slice(0, 12)}`)
      await allure.attachment(`${c.node}:${c.path}`, c.content, 'text/plain')
    }
  })
})
