import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { COMMITTED, REPO_ROOT, committedConfig } from '../../../helpers/render/committed.ts'
import { ARTIFACTS, isArtifactName, renderers } from '../../../helpers/render/index.ts'

describe('committed rendered files', () => {
  const config = committedConfig()
  for (const { path: rel, artifact } of COMMITTED) {
    test(`${rel} is what the ${artifact} renderer writes (npm run render:write)`, async () => {
      const onDisk = await readFile(path.join(REPO_ROOT, rel), 'utf8')
      expect(onDisk).toBe(renderers[artifact](config))
    })
  }

  test('do not depend on the environment', () => {
    expect(committedConfig()).toEqual(loadConfig({}))
  })
})

describe('renderers registry', () => {
  test('has every artifact the guide writes by hand', () => {
    for (const name of [
      'kind-config',
      'helm-values',
      'peer-service',
      'stargz-config',
      'stargz-config-direct',
      'containerd-patch-v2',
      'containerd-patch-v3',
      'stargz-unit',
      'dfdaemon-client',
      'dfdaemon-seed',
      'scheduler',
    ])
      expect(isArtifactName(name)).toBe(true)
    expect(Object.keys(renderers).sort()).toEqual([...ARTIFACTS].sort())
  })

  test('every renderer returns text for a configuration', () => {
    const config = loadConfig({ D7Y_CLUSTER_NAME: 'other', D7Y_WORKERS: '1' })
    for (const name of ARTIFACTS) {
      const text = renderers[name](config)
      expect(text.length).toBeGreaterThan(0)
      expect(text.endsWith('\n')).toBe(true)
    }
    expect(renderers['stargz-config'](config)).toContain('"other-registry:5000"')
  })
})
