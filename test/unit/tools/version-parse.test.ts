// Versions read with `semver` (issue 8: replace the hand-written parsers), on the outputs the suite's
// components print (each output below is the form its version command prints).
import { describe, expect, test } from 'vitest'
import { releaseOf, reportedVersion, versionsIn } from '../../../helpers/base/version-parse.ts'
import { versionLine } from '../../../helpers/tools/version-match.ts'

describe('reportedVersion: what a component says its version is', () => {
  test.each([
    ['containerd github.com/containerd/containerd/v2 v2.2.1 dea7da5', 'v2.2.1', '2.2.1'],
    // Debian 12's containerd: distribution versions are no semantic versions, the release is read
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', '1.6.20~ds1', '1.6.20'],
    // Debian's docker-registry: the version that ran (2.8.2), whatever the image pin says
    ['/usr/bin/docker-registry github.com/docker/distribution 2.8.2+ds1', '2.8.2+ds1', '2.8.2'],
    ['dfdaemon 1.5.0', '1.5.0', '1.5.0'],
    ['MajorVersion:\t2\nMinorVersion:\t5\nGitVersion:\tv2.5.1\nGoVersion:\tgo1.23.0', 'v2.5.1', '2.5.1'],
    ['nerdctl version 2.1.3', '2.1.3', '2.1.3'],
    ['containerd-stargz-grpc v0.18.2 (conformance suite build)', 'v0.18.2', '0.18.2'],
  ])('%j says %s', (output, raw, version) => {
    const said = reportedVersion(output)
    expect(said?.raw).toBe(raw)
    expect(said?.version.version).toBe(version)
  })

  test('no version: undefined, and a module path or a commit is not taken for one', () => {
    expect(reportedVersion('exec: "registry": executable file not found in $PATH')).toBeUndefined()
    expect(reportedVersion('github.com/containerd/containerd/v2 dea7da5')).toBeUndefined()
  })

  test('versionsIn keeps whole semantic versions only', () => {
    expect(versionsIn('kind v0.29.0 go1.24.2 linux/amd64 v2.2.1.1').map((v) => v.version)).toEqual(['0.29.0'])
  })

  test('releaseOf drops the pre-release; rejects what does not start with x.y.z', () => {
    expect(releaseOf('v1.4.1-rc.1')?.version).toBe('1.4.1')
    expect(releaseOf('1.6.20~ds1')?.version).toBe('1.6.20')
    expect(releaseOf('latest')).toBeUndefined()
    expect(releaseOf('2')).toBeUndefined()
  })

  test('versionLine: a "version" line must hold a semantic version (the Go version line is not one)', () => {
    // The old digit regex took "GoVersion: go1.23.0" for the scheduler's version line.
    expect(versionLine('GoVersion:\tgo1.23.0\nGitVersion:\tv2.5.0', 'v2.5.1')).toBe('GitVersion: v2.5.0')
  })
})
