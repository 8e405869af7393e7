// The chart version that ran on kind, read from `helm list -o json` (a real capture of the gate's
// cluster), not from the pin.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { chartOfRelease } from '../../../helpers/kind/dragonfly-versions.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const CAPTURE = readFileSync(path.join(ROOT, 'fixtures/run/helm-list-kind-2026-12-05.json'), 'utf8')

describe('chartOfRelease', () => {
  test("the suite's release: the chart's own version first, then the chart and its app version", () => {
    expect(chartOfRelease(CAPTURE)).toBe('1.7.4 (chart dragonfly-1.7.4, app 2.5.0)')
  })

  test('a prerelease chart keeps its whole version (not what follows the last dash)', () => {
    const releases = JSON.parse(CAPTURE) as { chart: string; app_version: string }[]
    releases[0]!.chart = 'dragonfly-1.8.0-rc.1'
    releases[0]!.app_version = '2.6.0-rc.1'
    expect(chartOfRelease(JSON.stringify(releases))).toBe(
      '1.8.0-rc.1 (chart dragonfly-1.8.0-rc.1, app 2.6.0-rc.1)',
    )
  })

  test('no release of that name, or not helm output: nothing confirmed', () => {
    const releases = JSON.parse(CAPTURE) as { name: string }[]
    releases[0]!.name = 'another-release'
    expect(chartOfRelease(JSON.stringify(releases))).toBe('')
    expect(chartOfRelease('Error: Kubernetes cluster unreachable')).toBe('')
  })
})
