// The build recipes as data: argv and environment of each step, checked without running anything.
import { describe, expect, test } from 'vitest'
import { CARGO_PROFILE_ENV, cargoInstallStep } from '../../../helpers/tools/cargo-build.ts'
import { binariesOf, catalog } from '../../../helpers/tools/catalog.ts'
import {
  goBuildStep,
  goDownloadStep,
  goEnv,
  goGetStep,
  goLdflags,
  goTargets,
} from '../../../helpers/tools/go-build.ts'
import { commandLine, formatDuration } from '../../../helpers/tools/steps.ts'

describe('go recipe', () => {
  test('environment: no module proxy of its own (a GOPROXY of the environment passes), static binaries', () => {
    // No GOPROXY key at all when the environment has none: go then uses its own default.
    expect(goEnv({})).toEqual({ GOFLAGS: '-mod=mod', CGO_ENABLED: '0' })
    expect(commandLine(goDownloadStep('m', 'v1.0.0', '/c', goEnv({})))).not.toMatch(/GOPROXY/)
    expect(goEnv({ GOPROXY: 'https://goproxy.example' }, '-mod=readonly')).toEqual({
      GOPROXY: 'https://goproxy.example',
      GOFLAGS: '-mod=readonly',
      CGO_ENABLED: '0',
    })
  })

  test('download and get name module@version', () => {
    const env = goEnv({})
    expect(goDownloadStep('d7y.io/dragonfly/v2', 'v2.5.1', '/c/build', env)).toMatchObject({
      file: 'go',
      args: ['mod', 'download', '-json', 'd7y.io/dragonfly/v2@v2.5.1'],
      cwd: '/c/build',
    })
    expect(goGetStep('d7y.io/dragonfly/v2', 'v2.5.1', '/c/build/scheduler-v2.5.1', env).args).toEqual([
      'get',
      'd7y.io/dragonfly/v2@v2.5.1',
    ])
  })

  test('containerd: three binaries with upstream tags and the version stamped in', () => {
    const vars = catalog.containerd.goVersionVars!('v2.2.1')
    const targets = goTargets('github.com/containerd/containerd/v2', binariesOf('containerd'), '/s/bin', vars)
    expect(targets.map((t) => [t.pkg, t.out, t.tags])).toEqual([
      ['github.com/containerd/containerd/v2/cmd/containerd', '/s/bin/containerd', ['urfave_cli_no_docs']],
      [
        'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2',
        '/s/bin/containerd-shim-runc-v2',
        ['urfave_cli_no_docs', 'no_grpc'],
      ],
      ['github.com/containerd/containerd/v2/cmd/ctr', '/s/bin/ctr', ['urfave_cli_no_docs']],
    ])
    expect(targets[0]!.ldflags).toBe('-s -w -X github.com/containerd/containerd/v2/version.Version=v2.2.1')
    expect(goBuildStep(targets[1]!, '/b', goEnv({})).args).toEqual([
      'build',
      '-trimpath',
      '-tags',
      'urfave_cli_no_docs,no_grpc',
      '-ldflags',
      '-s -w -X github.com/containerd/containerd/v2/version.Version=v2.2.1',
      '-o',
      '/s/bin/containerd-shim-runc-v2',
      'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2',
    ])
  })

  test("scheduler: the pin's package, both version variables", () => {
    const [t] = goTargets(
      'd7y.io/dragonfly/v2',
      binariesOf('scheduler'),
      '/s/bin',
      catalog.scheduler.goVersionVars!('v2.5.1'),
    )
    expect(t!.pkg).toBe('d7y.io/dragonfly/v2/cmd/scheduler')
    expect(t!.ldflags).toBe(
      '-s -w -X d7y.io/dragonfly/v2/version.GitVersion=v2.5.1 -X d7y.io/dragonfly/v2/version.GitCommit=v2.5.1',
    )
    expect(goBuildStep(t!, '/b', goEnv({})).args).not.toContain('-tags')
  })

  test('a module-root main package (kind) builds the module path itself', () => {
    const [t] = goTargets('sigs.k8s.io/kind', binariesOf('kind'), '/s/bin', {})
    expect(t!.pkg).toBe('sigs.k8s.io/kind')
    expect(goLdflags({})).toBe('-s -w')
  })

  test('optional release-only binaries are not built', () => {
    const targets = goTargets('m', binariesOf('stargz'), '/s/bin', {})
    expect(targets.map((t) => t.out)).toEqual(['/s/bin/containerd-stargz-grpc'])
  })
})

describe('cargo recipe', () => {
  test('cargo install --locked with the relaxed release profile and a shared target dir', () => {
    const step = cargoInstallStep({
      crate: 'dragonfly-client',
      version: 'v1.5.0',
      bin: 'dfdaemon',
      root: '/c/tools/dfdaemon/.v1.5.0.partial-1',
      cacheDir: '/c',
    })
    expect(step.file).toBe('cargo')
    expect(step.args).toEqual([
      'install',
      '--locked',
      'dragonfly-client',
      '--version',
      '1.5.0',
      '--bin',
      'dfdaemon',
      '--root',
      '/c/tools/dfdaemon/.v1.5.0.partial-1',
      '--target-dir',
      '/c/cargo-target',
    ])
    expect(step.env).toEqual({
      CARGO_PROFILE_RELEASE_LTO: 'false',
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '16',
      CARGO_PROFILE_RELEASE_OPT_LEVEL: '1',
      CARGO_PROFILE_RELEASE_DEBUG: 'false',
      CARGO_PROFILE_RELEASE_INCREMENTAL: 'false',
    })
    expect(step.env).toEqual(CARGO_PROFILE_ENV)
  })
})

describe('steps', () => {
  test('command lines a person can paste', () => {
    expect(
      commandLine({
        title: 't',
        file: 'go',
        args: ['build', '-ldflags', '-s -w'],
        env: { CGO_ENABLED: '0' },
        cwd: '/b',
      }),
    ).toBe(`cd /b && CGO_ENABLED=0 go build -ldflags '-s -w'`)
  })

  test('durations', () => {
    expect(formatDuration(4_400)).toBe('4s')
    expect(formatDuration(65_000)).toBe('1m05s')
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2h05m')
  })
})
