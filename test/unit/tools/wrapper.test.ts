import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { matchMembers } from '../../../helpers/tools/archive.ts'
import { copyWithout } from '../../../helpers/tools/go-build.ts'
import {
  companionGets,
  requiredVersion,
  wrapperSourceHash,
  wrapperSources,
} from '../../../helpers/tools/go-wrapper-build.ts'
import { tempDir } from './fixtures.ts'

const GOMOD = `module d7y-conformance/stargz-grpc

go 1.26.6

require (
	github.com/containerd/stargz-snapshotter v0.19.1
	github.com/pelletier/go-toml v1.9.5
)

require (
	github.com/containerd/stargz-snapshotter/estargz v0.19.1 // indirect
)
`

describe('stargz wrapper build', () => {
  test('reads the library version the wrapper pins', () => {
    expect(requiredVersion(GOMOD, 'github.com/containerd/stargz-snapshotter')).toBe('v0.19.1')
    expect(requiredVersion('require github.com/x/y v1.0.0\n', 'github.com/x/y')).toBe('v1.0.0')
    expect(requiredVersion(GOMOD, 'github.com/other')).toBeUndefined()
  })

  test('another library version moves its companion modules along', () => {
    expect(companionGets(GOMOD, 'github.com/containerd/stargz-snapshotter', 'v0.18.2')).toEqual([
      'github.com/containerd/stargz-snapshotter@v0.18.2',
      'github.com/containerd/stargz-snapshotter/estargz@v0.18.2',
    ])
  })

  test('the source hash covers go.mod, go.sum and non-test Go files only', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'go.mod'), GOMOD)
    await writeFile(path.join(dir, 'go.sum'), '')
    await writeFile(path.join(dir, 'main.go'), 'package main\n')
    await writeFile(path.join(dir, 'main_test.go'), 'package main\n')
    await writeFile(path.join(dir, 'containerd-stargz-grpc'), 'a build output')
    expect(await wrapperSources(dir)).toEqual(['go.mod', 'go.sum', 'main.go'])
    const before = await wrapperSourceHash(dir)
    await writeFile(path.join(dir, 'main_test.go'), 'package main // changed\n')
    expect(await wrapperSourceHash(dir)).toBe(before)
    await writeFile(path.join(dir, 'main.go'), 'package main // changed\n')
    expect(await wrapperSourceHash(dir)).not.toBe(before)
  })
})

describe('archive members', () => {
  test('exact path first, then a file name that occurs once', () => {
    const files = ['bin/containerd', 'bin/ctr', 'docs/ctr', 'd/dfdaemon']
    const m = matchMembers(files, [
      { member: './bin/containerd', dest: '/a' },
      { member: 'dfdaemon', dest: '/b' },
      { member: 'bin/ctr', dest: '/c' },
    ])
    expect([...m.entries()].map(([k, v]) => [k, v.dest])).toEqual([
      ['bin/containerd', '/a'],
      ['d/dfdaemon', '/b'],
      ['bin/ctr', '/c'],
    ])
    // an ambiguous file name is not guessed
    expect(() => matchMembers(files, [{ member: 'ctr', dest: '/x' }])).toThrow(/archive has no ctr/)
  })
})

describe('building without some upstream files', () => {
  test('copies a read-only module tree writable, without the named files', async () => {
    const from = await tempDir()
    await mkdir(path.join(from, 'cmd', 'helpers'), { recursive: true })
    await writeFile(path.join(from, 'cmd', 'helpers', 'testing_linux.go'), 'package helpers\n')
    await writeFile(path.join(from, 'cmd', 'helpers', 'cobra.go'), 'package helpers\n')
    await chmod(path.join(from, 'cmd', 'helpers', 'cobra.go'), 0o444)
    await chmod(path.join(from, 'cmd', 'helpers'), 0o555)
    const to = path.join(await tempDir(), 'upstream')
    await copyWithout(from, to, ['cmd/helpers/testing_linux.go'])
    expect(await readdir(path.join(to, 'cmd', 'helpers'))).toEqual(['cobra.go'])
    await expect(copyWithout(from, to, ['cmd/helpers/gone.go'])).rejects.toThrow(/gone.go is not in/)
    await chmod(path.join(from, 'cmd', 'helpers'), 0o755)
  })
})
