import { describe, expect, test } from 'vitest'
import { binaryPath, cargoTargetDir, toolLayout } from '../../../helpers/tools/layout.ts'

describe('cache layout', () => {
  test('tools live under <cacheDir>/tools/<tool>/<version as pinned>/bin', () => {
    expect(binaryPath('/c', 'dfdaemon', 'v1.5.0', 'dfdaemon')).toBe('/c/tools/dfdaemon/v1.5.0/bin/dfdaemon')
    const l = toolLayout('/c', 'scheduler', 'v2.5.1')
    expect(l.root).toBe('/c/tools/scheduler/v2.5.1')
    expect(l.meta).toBe('/c/tools/scheduler/v2.5.1/tool.json')
    expect(l.buildDir).toBe('/c/build/scheduler-v2.5.1')
    expect(l.log).toBe('/c/logs/scheduler-v2.5.1.log')
    expect(cargoTargetDir('/c')).toBe('/c/cargo-target')
  })

  test('staging and lock sit beside the entry, not inside it', () => {
    const l = toolLayout('/c', 'nerdctl', 'v2.1.3')
    expect(l.staging).toBe(`/c/tools/nerdctl/.v2.1.3.partial-${process.pid}`)
    expect(l.lock).toBe('/c/tools/nerdctl/.v2.1.3.lock')
  })

  test('versions are keys: another version is another entry', () => {
    expect(toolLayout('/c', 'containerd', 'v2.2.1').root).not.toBe(
      toolLayout('/c', 'containerd', 'v2.2.2').root,
    )
  })
})
