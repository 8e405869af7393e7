// `docker save --platform` only where both the CLI and the daemon take it (API 1.48, Docker 28): a
// multi-platform image under Docker's containerd image store cannot be saved whole (kind issue 3795),
// and an older engine rejects the flag. The first input is this machine's Debian 20.10 engine.
import { describe, expect, test } from 'vitest'
import { savePlatform } from '../../../helpers/kind/save-platform.ts'
import { docker } from '../../../helpers/kind/commands.ts'

describe('savePlatform', () => {
  test("Debian's Docker 20.10 (API 1.41 on both sides): no flag", () => {
    expect(savePlatform('1.41 1.41\n', 'x64')).toBeUndefined()
  })

  test('Docker 28 and later on both sides: the nodes platform', () => {
    expect(savePlatform('1.48 1.48', 'x64')).toBe('linux/amd64')
    expect(savePlatform('1.51 1.50', 'arm64')).toBe('linux/arm64')
  })

  test('a new CLI against an old daemon, or the reverse: no flag (the daemon or the CLI would refuse it)', () => {
    expect(savePlatform('1.51 1.47', 'x64')).toBeUndefined()
    expect(savePlatform('1.47 1.51', 'x64')).toBeUndefined()
  })

  test('unreadable versions (a daemon down, the plan placeholder) or an unknown architecture: no flag', () => {
    expect(savePlatform('', 'x64')).toBeUndefined()
    expect(savePlatform('<client API> <server API>', 'x64')).toBeUndefined()
    expect(savePlatform('1.51 1.51', 's390x')).toBeUndefined()
  })

  test('the save command carries the flag before the archive and the references', () => {
    expect(docker.save('/tmp/a.tar', ['x:1', 'y:2'], 'linux/amd64').args).toEqual([
      'save',
      '--platform',
      'linux/amd64',
      '-o',
      '/tmp/a.tar',
      'x:1',
      'y:2',
    ])
    expect(docker.save('/tmp/a.tar', ['x:1']).args).toEqual(['save', '-o', '/tmp/a.tar', 'x:1'])
  })
})
