// kind's Docker provider on an engine that cannot start privileged containers here: refused before
// any work, with the missing capabilities named. Input: this machine's own /proc values
// (fixtures/host/capabilities-2026-12-05.txt) and its two engines, Debian 12's 20.10.24 (which fails
// with runc's "unable to apply caps") and Debian trixie's 26.1.5 (which starts them).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { kindPreflight, type KindPreflightProbes } from '../../../helpers/kind/preflight.ts'
import {
  capBoundingSet,
  missingCapabilities,
  privilegedEngineProblem,
} from '../../../helpers/kind/privileged-engine.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const HOST = readFileSync(path.join(ROOT, 'fixtures/host/capabilities-2026-12-05.txt'), 'utf8')
const LAST = /^cap_last_cap: (\d+)$/m.exec(HOST)![1]!
const MISSING = missingCapabilities(capBoundingSet(HOST), LAST)

describe('privileged engine', () => {
  test("this machine's bounding set lacks exactly CAP_SYS_RESOURCE", () => {
    expect(capBoundingSet(HOST)).toBe('000001fffeffffff')
    expect(MISSING).toEqual(['CAP_SYS_RESOURCE'])
    expect(missingCapabilities('000001ffffffffff', '40')).toEqual([])
    expect(missingCapabilities('', '40')).toEqual([])
  })

  test('Docker 20.10 with the docker provider: refused, naming the capability and the ways out', () => {
    const p = privilegedEngineProblem({
      provider: 'docker',
      serverVersion: '20.10.24+dfsg1',
      missing: MISSING,
    })
    expect(p?.what).toBe(
      "Docker 20.10.24+dfsg1 cannot start kind's privileged node containers on this machine: before 23 it asks for every capability, and this machine's bounding set lacks CAP_SYS_RESOURCE",
    )
    expect(p?.fix).toMatch(/Docker 23 or later/)
    expect(p?.fix).toMatch(/KIND_EXPERIMENTAL_PROVIDER=podman/)
  })

  test('Docker 26 (or 23.0.0 exactly), podman, or a full bounding set: no problem', () => {
    expect(
      privilegedEngineProblem({ provider: 'docker', serverVersion: '26.1.5+dfsg1', missing: MISSING }),
    ).toBeUndefined()
    expect(
      privilegedEngineProblem({ provider: 'docker', serverVersion: '23.0.0', missing: MISSING }),
    ).toBeUndefined()
    expect(
      privilegedEngineProblem({ provider: 'podman', serverVersion: '20.10.24', missing: MISSING }),
    ).toBeUndefined()
    expect(
      privilegedEngineProblem({ provider: 'docker', serverVersion: '20.10.24', missing: [] }),
    ).toBeUndefined()
  })

  test('preflight asks the probe and reports it among the problems, before anything is created', async () => {
    const probes: KindPreflightProbes = {
      docker: async () => '20.10.24+dfsg1',
      tool: async () => ({ version: 'v0' }),
      clusterExists: async () => false,
      portFree: async () => true,
      fuse: async () => true,
      image: async () => ({ ok: true }),
      commandExists: async () => true,
      testImage: async () => ({ ok: true }),
      root: () => true,
      missingCapabilities: async () => MISSING,
    }
    const input = {
      clusterName: 'k',
      reuseCluster: false,
      nodeImage: 'kindest/node:v1.33.1',
      toolVersions: { kind: 'v0', helm: 'v0', kubectl: 'v0' },
    }
    const problems = await kindPreflight({ ...input, provider: 'docker' }, probes)
    expect(problems.map((p) => p.what)).toEqual([
      expect.stringMatching(/^Docker 20\.10\.24\+dfsg1 cannot start/),
    ])
    expect(
      await kindPreflight({ ...input, provider: 'podman' }, { ...probes, podman: async () => '4.3.1' }),
    ).toEqual([])
  })
})
