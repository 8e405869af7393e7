// The rendered files kept in the repository (for reading and for use without the suite), rendered
// from the default configuration. test/unit/render/committed.test.ts fails when one drifts;
// `npm run render:write` (write-committed.ts) regenerates them.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig, type Config } from '../run/config.ts'
import { renderers, type ArtifactName } from './index.ts'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export const COMMITTED: readonly { path: string; artifact: ArtifactName }[] = [
  { path: 'kind/kind-config.yaml', artifact: 'kind-config' },
  { path: 'kind/peer-service.yaml', artifact: 'peer-service' },
  { path: 'fixtures/dragonfly/values.yaml', artifact: 'helm-values' },
  { path: 'fixtures/dragonfly/local/dfdaemon-client.yaml', artifact: 'dfdaemon-client' },
  { path: 'fixtures/dragonfly/local/dfdaemon-seed.yaml', artifact: 'dfdaemon-seed' },
  { path: 'fixtures/dragonfly/local/dynconfig.yaml', artifact: 'dfdaemon-dynconfig' },
  { path: 'fixtures/dragonfly/local/scheduler.yaml', artifact: 'scheduler' },
  { path: 'fixtures/dragonfly/local/scheduler-dynconfig.yaml', artifact: 'scheduler-dynconfig' },
  { path: 'fixtures/stargz/config.toml', artifact: 'stargz-config' },
  { path: 'fixtures/stargz/config-direct.toml', artifact: 'stargz-config-direct' },
  { path: 'fixtures/stargz/stargz-snapshotter.service', artifact: 'stargz-unit' },
  { path: 'fixtures/containerd/config-v2-patch.toml', artifact: 'containerd-patch-v2' },
  { path: 'fixtures/containerd/config-v3-patch.toml', artifact: 'containerd-patch-v3' },
]

/** The configuration the committed files are rendered from: defaults only, whatever the environment. */
export function committedConfig(): Config {
  return loadConfig({})
}

export function renderCommitted(config: Config = committedConfig()): { path: string; text: string }[] {
  return COMMITTED.map((c) => ({ path: c.path, text: renderers[c.artifact](config) }))
}
