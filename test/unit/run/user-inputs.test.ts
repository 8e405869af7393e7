// User files are checked before anything is created, and a values overlay really changes what the
// local profile's daemons get (helm -f semantics: maps merged, lists replaced).
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { helmValues } from '../../../helpers/render/helm-values.ts'
import { renderDfdaemonClient } from '../../../helpers/render/dfdaemon-local.ts'
import { userInputProblems } from '../../../helpers/run/user-inputs.ts'
import { selectFaults } from '../../../helpers/faults/catalog.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-inputs-'))
const file = (name: string, text: string) => {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('user inputs', () => {
  test('a values overlay is merged like helm -f and reaches the rendered dfdaemon.yaml', () => {
    const overlay = file(
      'values.yaml',
      'client:\n  config:\n    proxy:\n      rules:\n        - regex: "blobs/sha256.*"\n        - regex: "manifests/.*"\n    download:\n      concurrentPieceCount: 8\n',
    )
    const config = { ...loadConfig({}), valuesOverlay: overlay }
    const v = helmValues(config)
    expect(v.client.config.proxy.rules).toEqual([{ regex: 'blobs/sha256.*' }, { regex: 'manifests/.*' }])
    expect(v.client.config.proxy.prefetch).toBe(true) // untouched keys stay
    const rendered = renderDfdaemonClient(v, { host: { ip: '10.0.0.3', hostname: 'w' } })
    expect(rendered).toMatch(/download:\n\s+concurrentPieceCount: 8/)
    expect(rendered).not.toBe(
      renderDfdaemonClient(helmValues(loadConfig({})), { host: { ip: '10.0.0.3', hostname: 'w' } }),
    )
  })

  test('unreadable or malformed files are preflight problems', () => {
    const config = {
      ...loadConfig({}),
      valuesOverlay: file('list.yaml', '- not a map\n'),
      snapshotterConfig: file('bad.toml', '[resolver\n'),
      faults: 'no-such-fault',
    }
    const whats = userInputProblems(config).map((p) => p.what)
    expect(whats).toHaveLength(3)
    expect(whats[0]).toMatch(/^D7Y_STARGZ_CONFIG .* is not a readable TOML file/)
    expect(whats[1]).toMatch(/^D7Y_VALUES .* not a YAML map of Helm values/)
    expect(whats[2]).toMatch(/^D7Y_FAULTS: unknown fault\(s\) no-such-fault/)
  })

  test('every fault entry is caused on kind as on local (kind accepted all 17 and then failed, until each was built there)', () => {
    for (const profile of ['kind', 'local']) {
      const config = { ...loadConfig({ D7Y_PROFILE: profile }), faults: 'all' }
      expect(userInputProblems(config)).toEqual([])
    }
  })

  test('an entry a profile cannot cause is refused before any work, with why', () => {
    // the cluster profile refuses the entries that change what other workloads on its nodes depend on
    expect(() => selectFaults('baseline,p2p-blocked,no-fuse', 'cluster')).toThrow(
      "fault(s) the cluster profile cannot cause: p2p-blocked (it adds firewall rules to every node: other workloads' traffic on port 4000 would be dropped too); no-fuse (it removes /dev/fuse from a node that other workloads may use)",
    )
    expect(selectFaults('baseline,p2p-blocked', 'kind').map((f) => f.id)).toEqual(['baseline', 'p2p-blocked'])
    expect(selectFaults('baseline,content-corrupt', 'cluster').map((f) => f.id)).toEqual([
      'baseline',
      'content-corrupt',
    ])
  })
})
