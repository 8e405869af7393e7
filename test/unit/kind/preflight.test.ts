// Preflight aggregation: every problem at once, each with a fix, from injected probes (no Docker).
import { createServer } from 'node:net'
import { describe, expect, test } from 'vitest'
import {
  bindable,
  fuseOnDockerHost,
  kindPreflight,
  type KindPreflightInput,
  type KindPreflightProbes,
} from '../../../helpers/kind/preflight.ts'

const input: KindPreflightInput = {
  clusterName: 'd7y-stargz',
  reuseCluster: false,
  nodeImage: 'kindest/node:v1.33.1@sha256:' + 'a'.repeat(64),
  toolVersions: { kind: 'v0.29.0', helm: 'v3.18.3', kubectl: 'v1.33.1' },
}

/** Probes for a machine where everything is in place; each test breaks what it needs. */
function healthy(overrides: Partial<KindPreflightProbes> = {}): KindPreflightProbes & { asked: string[] } {
  const asked: string[] = []
  const probes: KindPreflightProbes = {
    docker: async () => (asked.push('docker'), '27.0.0'),
    tool: async (t) => (asked.push(`tool ${t}`), { version: input.toolVersions[t] }),
    clusterExists: async () => (asked.push('clusterExists'), false),
    portFree: async (p) => (asked.push(`port ${p}`), true),
    fuse: async () => (asked.push('fuse'), true),
    image: async (ref) => (asked.push(`image ${ref}`), { ok: true }),
    commandExists: async (c) => (asked.push(`command ${c}`), true),
    testImage: async () => (asked.push('testImage'), { ok: true }),
    root: () => true,
    ...overrides,
  }
  return Object.assign(probes, { asked })
}

describe('kind preflight', () => {
  test('nothing missing: no problems; every prerequisite was probed', async () => {
    const probes = healthy()
    expect(await kindPreflight(input, probes)).toEqual([])
    expect(probes.asked).toEqual([
      'docker',
      'tool kind',
      'tool helm',
      'tool kubectl',
      'port 4001',
      'port 4003',
      'fuse',
      'testImage',
      `image ${input.nodeImage}`,
    ])
  })

  test('debootstrap and root are needed only where the test image cannot be built on its published base', async () => {
    const offline = {
      testImage: async () => ({
        ok: false as const,
        reason: 'dial tcp: lookup on 10.255.255.53:53: no such host',
      }),
    }
    const problems = await kindPreflight(
      input,
      healthy({ ...offline, commandExists: async () => false, root: () => false }),
    )
    expect(problems.map((p) => p.what)).toEqual([
      "debootstrap missing (the test image's published base cannot be had (dial tcp: lookup on 10.255.255.53:53: no such host), so it is built from Debian packages)",
      expect.stringMatching(
        /^not root \(debootstrap and chroot need it: the test image's published base cannot be had/,
      ),
    ])
    const online = await kindPreflight(
      input,
      healthy({ commandExists: async () => false, root: () => false }),
    )
    expect(online).toEqual([])
  })

  test('everything missing: all problems at once, each with a fix', async () => {
    const problems = await kindPreflight(
      input,
      healthy({
        docker: async () => undefined,
        tool: async (t) => new Error(`no ${t} on PATH\nsha256 mismatch`),
        portFree: async () => false,
        fuse: async () => false,
        commandExists: async () => false,
        testImage: async () => ({ ok: false, reason: 'no such host' }),
        root: () => false,
      }),
    )
    const what = problems.map((p) => p.what)
    expect(what).toHaveLength(9)
    expect(what[0]).toMatch(/Docker daemon not reachable/)
    expect(what.slice(1, 4)).toEqual([
      expect.stringMatching(/^kind v0\.29\.0 .*no kind on PATH; sha256 mismatch/),
      expect.stringMatching(/^helm v3\.18\.3 /),
      expect.stringMatching(/^kubectl v1\.33\.1 /),
    ])
    expect(what[4]).toMatch(/127\.0\.0\.1:4001 is in use/)
    expect(what[5]).toMatch(/127\.0\.0\.1:4003 is in use/)
    expect(what[6]).toMatch(/\/dev\/fuse missing/)
    expect(what[7]).toMatch(/debootstrap missing/)
    expect(what[8]).toMatch(/not root/)
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(10)
  })

  test('without Docker the node image is not probed (it would only repeat the Docker problem)', async () => {
    const probes = healthy({ docker: async () => undefined })
    await kindPreflight(input, probes)
    expect(probes.asked.some((a) => a.startsWith('image'))).toBe(false)
  })

  test('a node image that cannot be pulled is one problem pointing to the local profile', async () => {
    const problems = await kindPreflight(
      input,
      healthy({
        image: async () => ({ ok: false, reason: 'dial tcp: lookup registry-1.docker.io: no such host' }),
      }),
    )
    expect(problems).toHaveLength(1)
    expect(problems[0]!.what).toContain(input.nodeImage)
    expect(problems[0]!.what).toContain('no such host')
    expect(problems[0]!.fix).toContain('npm run conformance:local')
  })

  test('reusing an existing cluster: its published ports and its node image are not problems', async () => {
    let askedExists = false
    const probes = healthy({
      clusterExists: async () => (askedExists = true),
      portFree: async () => false,
    })
    expect(await kindPreflight({ ...input, reuseCluster: true }, probes)).toEqual([])
    expect(askedExists).toBe(true)
    expect(probes.asked.some((a) => a.startsWith('port') || a.startsWith('image'))).toBe(false)
  })

  test('reuse asked but no such cluster: the ports are checked as for a new one', async () => {
    const problems = await kindPreflight(
      { ...input, reuseCluster: true },
      healthy({ portFree: async (p) => p !== 4001 }),
    )
    expect(problems.map((p) => p.what)).toEqual([expect.stringMatching(/4001 is in use/)])
    expect(problems[0]!.fix).toMatch(/kind delete cluster --name d7y-stargz|D7Y_REUSE_CLUSTER/)
  })

  test('no kind binary: whether the cluster exists is not asked (ports are checked)', async () => {
    const probes = healthy({
      tool: async (t) => (t === 'kind' ? new Error('unavailable') : { version: 'x' }),
    })
    await kindPreflight({ ...input, reuseCluster: true }, probes)
    expect(probes.asked).not.toContain('clusterExists')
    expect(probes.asked).toContain('port 4001')
  })
})

describe('probes', () => {
  test('bindable: false for a port something listens on, true once it is released', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve))
    const port = (server.address() as { port: number }).port
    expect(await bindable(port)).toBe(false)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect(await bindable(port)).toBe(true)
  })

  test('/dev/fuse is only checked where this machine is the Docker host', async () => {
    expect(await fuseOnDockerHost('darwin')).toBe(true)
    expect(await fuseOnDockerHost('win32')).toBe(true)
  })
})

describe('a probe that throws', () => {
  test('is reported as what it could not find; preflight never aborts', async () => {
    const boom = async (): Promise<never> => {
      throw new Error('boom')
    }
    const problems = await kindPreflight(input, {
      docker: async () => '27.0.0',
      tool: async () => ({ version: 'x' }),
      clusterExists: boom,
      portFree: boom,
      fuse: boom,
      image: boom,
      commandExists: boom,
      testImage: boom,
      root: () => true,
    })
    expect(problems.map((p) => p.what)).toEqual([
      expect.stringMatching(/4001 is in use/),
      expect.stringMatching(/4003 is in use/),
      expect.stringMatching(/\/dev\/fuse missing/),
      expect.stringMatching(/debootstrap missing/),
      expect.stringMatching(/cannot be pulled \(boom\)/),
    ])
  })
})

test("a tool's reasons are listed on one line, without the resolver's heading", async () => {
  const problems = await kindPreflight(input, {
    ...healthy(),
    tool: async (t) =>
      t === 'kubectl'
        ? new Error('kubectl v1.33.1 could not be obtained:\n  path: not v1.33.1\n  download: fetch failed')
        : { version: 'x' },
  })
  expect(problems.map((p) => p.what)).toEqual([
    'kubectl v1.33.1 is not installed and could not be obtained: path: not v1.33.1; download: fetch failed',
  ])
})

describe('kind on podman (KIND_EXPERIMENTAL_PROVIDER=podman)', () => {
  const podman = { ...input, provider: 'podman' as const }
  const ready = {
    podman: async () => '4.3.1',
    pathExists: async () => true,
    podmanUlimits: async () => true,
  }

  test('in place: no problems, and a node image that cannot be pulled is not one (it is built offline)', async () => {
    const probes = healthy({ ...ready, image: async () => ({ ok: false, reason: 'no such host' }) })
    expect(await kindPreflight(podman, probes)).toEqual([])
    expect(probes.asked.some((a) => a.startsWith('image '))).toBe(false)
  })

  test('what a fresh machine of this kind lacks: podman, /lib/modules, the nproc default', async () => {
    const problems = await kindPreflight(
      podman,
      healthy({
        podman: async () => undefined,
        pathExists: async () => false,
        podmanUlimits: async () => false,
      }),
    )
    expect(problems.map((p) => p.fix)).toEqual([
      'apt-get install -y podman, or unset KIND_EXPERIMENTAL_PROVIDER to use Docker',
      'mkdir -p /lib/modules (an empty directory is enough)',
      expect.stringContaining('default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'),
    ])
  })

  test('the Docker provider asks none of it', async () => {
    const asked: string[] = []
    const probes = healthy({
      podman: async () => (asked.push('podman'), undefined),
      pathExists: async () => (asked.push('path'), false),
      podmanUlimits: async () => (asked.push('ulimits'), false),
    })
    expect(await kindPreflight(input, probes)).toEqual([])
    expect(asked).toEqual([])
  })
})
