import { describe, expect, test } from 'vitest'
import { firstLine, versionLine, versionMatches } from '../../../helpers/tools/version-match.ts'

describe('versionMatches', () => {
  test.each([
    ['containerd github.com/containerd/containerd/v2 v2.2.1 dea7da5', 'v2.2.1'],
    ['nerdctl version 2.1.3', 'v2.1.3'],
    ['Client Version: v1.33.1\nKustomize Version: v5.6.0', 'v1.33.1'],
    ['v3.18.3+g6838ebc', 'v3.18.3'],
    ['kind v0.29.0 go1.24.2 linux/amd64', 'v0.29.0'],
    ['dfdaemon 1.5.0', 'v1.5.0'],
    ['MajorVersion:\t2\nGitVersion:\tv2.5.1\nGitCommit:\tv2.5.1', 'v2.5.1'],
    ['containerd-stargz-grpc v0.19.1 (conformance suite build)', 'v0.19.1'],
  ])('%j names %s', (output, version) => {
    expect(versionMatches(output, version)).toBe(true)
  })

  test.each([
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', 'v2.2.1'],
    ['Client Version: v1.32.4-dispatcher', 'v1.32.4'],
    ['nerdctl version 2.1.30', 'v2.1.3'],
    ['v2.2.1.1', 'v2.2.1'],
    ['v12.2.1', 'v2.2.1'],
    ['GitVersion:\tv2.5.0', 'v2.5.1'],
  ])('%j does not name %s', (output, version) => {
    expect(versionMatches(output, version)).toBe(false)
  })

  test('firstLine skips blank lines', () => {
    expect(firstLine('\n\n  kind v0.29.0 \nmore')).toBe('kind v0.29.0')
  })

  test('versionLine shows the line that names the version', () => {
    const scheduler = 'MajorVersion:\t2\nMinorVersion:\t5\nGitVersion:\tv2.5.1\nGitCommit:\tv2.5.1'
    expect(versionLine(scheduler, 'v2.5.1')).toBe('GitVersion: v2.5.1')
    expect(versionLine('MajorVersion:\t2\nGitVersion:\tv2.5.0', 'v2.5.1')).toBe('GitVersion: v2.5.0')
    expect(versionLine('ctr github.com/containerd/containerd/v2 v2.2.1\n', 'v2.2.1')).toBe(
      'ctr github.com/containerd/containerd/v2 v2.2.1',
    )
    expect(versionLine('something else', 'v1.0.0')).toBe('something else')
  })
})
