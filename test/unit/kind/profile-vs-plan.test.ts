// The profile runs what the plan prints: with the process runner, the tool resolver and the API
// client replaced by recorders, each profile step's commands and files are compared with its step
// in the plan (images already present, so the "only when absent" pulls are not run).
import { mkdtemp, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { loadConfig, type Config } from '../../../helpers/run/config.ts'
import type { RunResult } from '../../../helpers/base/exec.ts'
import type { PlanStep } from '../../../helpers/kind/plan.ts'
import type { Node } from '../../../helpers/profiles/node.ts'

const { ran, state } = vi.hoisted(() => ({ ran: [] as string[], state: { clusters: '' } }))

vi.mock('../../../helpers/base/exec.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../helpers/base/exec.ts')>()
  const answer = (file: string, args: readonly string[]): string => {
    const line = [file, ...args].join(' ')
    if (line === 'kind get clusters') return state.clusters
    if (line === 'kind get nodes --name d7y-stargz')
      return 'd7y-stargz-control-plane\nd7y-stargz-worker\nd7y-stargz-worker2\n'
    if (file === 'docker' && args[0] === 'inspect') {
      const node = args[args.length - 1]!
      return `${node.endsWith('control-plane') ? 'control-plane' : 'worker'} 172.18.0.${node.length % 200}\n`
    }
    if (args.includes('--version')) return 'nerdctl version 2.1.3\n'
    return ''
  }
  const run = vi.fn(async (file: string, args: readonly string[]): Promise<RunResult> => {
    ran.push(real.quote(file) + ' ' + args.map(real.quote).join(' '))
    return { command: '', exitCode: 0, stdout: answer(file, args), stderr: '', durationMs: 1 }
  })
  return {
    ...real,
    run,
    output: vi.fn(async (f: string, a: readonly string[]) => (await run(f, a)).stdout.trim()),
  }
})

vi.mock('../../../helpers/tools/obtain.ts', () => ({
  obtainTool: vi.fn(async (tool: string, config: Config) => ({
    tool,
    version: config.toolVersions[tool as keyof Config['toolVersions']],
    source: 'cache',
    // the named binaries the plan prints; nerdctl and stargz where the cache keeps them
    binary: ['kind', 'helm', 'kubectl'].includes(tool)
      ? tool
      : path.join(
          config.cacheDir,
          'tools',
          tool,
          config.toolVersions[tool as keyof Config['toolVersions']],
          'bin',
          tool,
        ),
    binaries: {},
    detail: 'test',
    skipped: [],
    durationMs: 0,
  })),
}))

// the registry container itself is chapter 15's (testcontainers); here only the image the profile picks
vi.mock('../../../helpers/image/origin-registry.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../helpers/image/origin-registry.ts')>()),
  startOriginContainer: vi.fn(async (_config: unknown, _at: unknown, image: () => Promise<string>) => ({
    where: await image(),
  })),
}))

vi.mock('../../../helpers/kind/k8s.ts', () => ({
  kubeFrom: () => ({
    discovery: {
      listNamespacedEndpointSlice: async () => ({
        items: [
          {
            addressType: 'IPv4',
            endpoints: [
              { addresses: ['172.18.0.3'], nodeName: 'd7y-stargz-worker' },
              { addresses: ['172.18.0.4'], nodeName: 'd7y-stargz-worker2' },
            ],
          },
        ],
      }),
    },
  }),
  waitForNodesReady: async () => undefined,
  waitForWorkloads: async () => [],
  listPods: async () => [],
  waitForReplacedPods: async () => undefined,
}))

// The image supply (pull or build) has its own tests; here it answers as on a machine that has them.
vi.mock('../../../helpers/kind/workload-images-build.ts', async () => {
  const { debian, recipeTag } = await import('../../../helpers/local/rootfs-image.ts')
  const { servicesRecipe } = await import('../../../helpers/kind/workload-images.ts')
  return {
    supplyWorkloadImages: async () => ({ images: [], services: recipeTag(servicesRecipe(debian())) }),
  }
})

const { kindProfile } = await import('../../../helpers/kind/profile.ts')
const { kindPlan } = await import('../../../helpers/kind/plan.ts')

/** The plan's commands of a step as the profile runs them: no comments, no conditional pulls. */
function planned(step: PlanStep): string[] {
  return step.commands
    .filter((c) => !c.startsWith('#') && !c.includes('# only when absent'))
    .map((c) => c.replace(/ {3}#.*$/, ''))
}

describe('the profile runs what the plan prints', () => {
  let config: Config
  let plan: PlanStep[]
  let nodes: Node[]
  const step = (id: string) => plan.find((s) => s.step === id)!
  const profile = () => kindProfile(config)

  beforeAll(async () => {
    config = loadConfig({ D7Y_CACHE_DIR: await mkdtemp(path.join(os.tmpdir(), 'kind-plan-')) })
    plan = await kindPlan(config)
  })

  test('cluster: commands and the kind config', async () => {
    ran.length = 0
    const p = profile()
    const cluster = await p.createCluster(() => {})
    nodes = cluster.nodes
    expect(ran).toEqual(planned(step('cluster')))
    expect(cluster.network).toBe('kind')
    expect(nodes.map((n) => `${n.role} ${n.name}`)).toEqual([
      'control-plane d7y-stargz-control-plane',
      'worker d7y-stargz-worker',
      'worker d7y-stargz-worker2',
    ])
    const file = step('cluster').files[0]!
    expect(await readFile(file.path, 'utf8')).toBe(file.content)
  })

  test('node tools', async () => {
    ran.length = 0
    await profile().prepareNodes(nodes, () => {})
    expect(ran).toEqual(planned(step('node-tools')))
  })

  test('registry image', async () => {
    ran.length = 0
    const origin = await profile().startOrigin({ network: 'kind', runId: 'r-test' }, () => {})
    expect(origin.where).toBe(`registry:${config.versions.images.registry.tag}`)
    expect(ran).toEqual(planned(step('registry')))
  })

  test('dragonfly and the peer Service: commands, values and Service files', async () => {
    ran.length = 0
    await profile().deployDragonfly(nodes, `${config.registryName}:${config.registryPort}`, () => {})
    expect(ran).toEqual([...planned(step('dragonfly')), ...planned(step('peer-service'))])
    for (const f of [...step('dragonfly').files, ...step('peer-service').files])
      expect(await readFile(f.path, 'utf8')).toBe(f.content)
  })

  test('teardown deletes the cluster it would delete in the plan', async () => {
    ran.length = 0
    state.clusters = 'other\nd7y-stargz\n'
    await profile().teardown('r-test')
    expect(ran.filter((c) => c.startsWith('kind delete'))).toEqual(
      planned(step('teardown')).filter((c) => c.startsWith('kind delete')),
    )
  })
})
