// The cluster profile's pure parts on real data: the stand-in cluster's node list as the API served
// it (fixtures/cluster/standin-nodes.json, kind under podman, 1 control-plane + 3 workers), and the
// footprint script run by this machine's own shell on real files.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { V1Node } from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import { run } from '../../../helpers/base/exec.ts'
import { CONTROL_PLANE_LABEL, chooseNodes } from '../../../helpers/cluster/nodes.ts'
import { nodeProblems } from '../../../helpers/cluster/preflight.ts'
import { footprintDiff, footprintScript, parseFootprint } from '../../../helpers/cluster/node-footprint.ts'
import { restorePlan } from '../../../helpers/cluster/restore.ts'
import { footprintProblem } from '../../../helpers/cluster/footprint-verdict.ts'

const all = (
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../../../fixtures/cluster/standin-nodes.json'), 'utf8'),
  ) as { items: V1Node[] }
).items
// what the API returns for the default selector !node-role.kubernetes.io/control-plane
const workers = all.filter((n) => n.metadata?.labels?.[CONTROL_PLANE_LABEL] === undefined)
const SELECTOR = `!${CONTROL_PLANE_LABEL}`

describe('the nodes of a cluster the suite did not create', () => {
  test('the builder is the control-plane node, the workers the first ones by name', () => {
    const r = chooseNodes(all, workers, { workers: 2, selector: SELECTOR })
    expect('nodes' in r && r.nodes.map((n) => `${n.role} ${n.name}`)).toEqual([
      'control-plane d7y-standin-control-plane',
      'worker d7y-standin-worker',
      'worker d7y-standin-worker2',
    ])
    expect('nodes' in r && r.nodes.every((n) => /^\d+\.\d+\.\d+\.\d+$/.test(n.ip))).toBe(true)
  })

  test('too few workers, or no builder, is refused with what to set', () => {
    const r = chooseNodes(all, workers, { workers: 4, selector: SELECTOR })
    expect('problems' in r && r.problems).toEqual([
      `D7Y_NODE_SELECTOR=${SELECTOR} gives 3 Ready, schedulable worker(s) with an InternalIP (of 3 matching); the run needs D7Y_WORKERS=4 (at least 2)`,
    ])
    const managed = all.filter((n) => n.metadata?.labels?.[CONTROL_PLANE_LABEL] === undefined)
    const m = chooseNodes(managed, workers, { workers: 2, selector: SELECTOR })
    expect('problems' in m && m.problems[0]).toMatch(/no control-plane node is visible .* D7Y_BUILDER_NODE/)
    const named = chooseNodes(managed, workers, {
      workers: 2,
      selector: SELECTOR,
      builder: 'd7y-standin-worker3',
    })
    expect('nodes' in named && named.nodes[0]).toMatchObject({
      name: 'd7y-standin-worker3',
      role: 'control-plane',
    })
    expect('nodes' in named && named.nodes.slice(1).map((n) => n.name)).not.toContain('d7y-standin-worker3')
  })

  test('a node not Ready is not chosen', () => {
    const sick = structuredClone(workers)
    sick[0]!.status!.conditions = sick[0]!.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' } : c,
    )
    const r = chooseNodes(all, sick, { workers: 3, selector: SELECTOR })
    expect('problems' in r).toBe(true)
  })

  test("preflight: containerd and this machine's architecture, else refused with why", () => {
    expect(nodeProblems(workers, 'amd64')).toEqual([])
    const docker = structuredClone(workers[0]!)
    docker.status!.nodeInfo!.containerRuntimeVersion = 'docker://24.0.7'
    expect(nodeProblems([docker], 'amd64').map((p) => p.what)).toEqual([
      'node d7y-standin-worker runs docker://24.0.7',
    ])
    expect(nodeProblems(workers.slice(0, 1), 'arm64')[0]!.what).toBe(
      "node d7y-standin-worker is amd64, the suite's binaries are built for arm64",
    )
  })
})

describe('a node as found, and put back', () => {
  test('the script reads files, directories and absences; a change shows in the diff and the restore plan', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'footprint-'))
    const paths = {
      files: [path.join(dir, 'config.toml'), path.join(dir, 'hosts'), path.join(dir, 'added')],
      dirs: [path.join(dir, 'cache')],
    }
    await writeFile(paths.files[0]!, 'version = 2\n')
    await writeFile(paths.files[1]!, '127.0.0.1 localhost\n')
    await chmod(paths.files[1]!, 0o600)
    const read = async () =>
      parseFootprint((await run('sh', ['-c', footprintScript(paths, { images: false })])).stdout)
    const before = await read()
    expect(before.paths[paths.files[0]!]).toEqual({
      kind: 'file',
      sha256: createHash('sha256').update('version = 2\n').digest('hex'),
      mode: '644',
    })
    expect(before.paths[paths.files[1]!]).toMatchObject({ kind: 'file', mode: '600' })
    expect(before.paths[paths.files[2]!]).toEqual({ kind: 'absent' })
    expect(before.paths[paths.dirs[0]!]).toEqual({ kind: 'absent' })
    expect(footprintDiff(before, await read())).toEqual([])

    await writeFile(paths.files[1]!, '127.0.0.1 localhost\n10.0.0.2 d7y-stargz-registry\n')
    await writeFile(paths.files[2]!, 'new')
    await mkdir(paths.dirs[0]!)
    const now = await read()
    expect(footprintDiff(before, now)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${paths.files[1]}: sha256:[0-9a-f]{12} mode 600 before, sha256:[0-9a-f]{12} mode 600 after$`,
        ),
      ),
      `${paths.files[2]}: absent before, sha256:${now.paths[paths.files[2]!]!.kind === 'file' ? (now.paths[paths.files[2]!] as { sha256: string }).sha256.slice(0, 12) : ''} mode 644 after`,
      `${paths.dirs[0]}: absent before, dir after`,
    ])
    expect(restorePlan(before, now)).toEqual({
      files: [
        { path: paths.files[1], action: 'put back' },
        { path: paths.files[2], action: 'remove' },
      ],
      dirs: [paths.dirs[0]],
      images: {},
    })
    await rm(dir, { recursive: true, force: true })
  })

  test('images the run added are removed, those found stay', () => {
    const before = parseFootprint('image\tk8s.io\tdocker.io/library/busybox:1.36.1\n')
    const now = parseFootprint(
      'image\tk8s.io\tdocker.io/library/busybox:1.36.1\nimage\tdefault\td7y-stargz-registry:5000/conformance/python:1\n',
    )
    expect(restorePlan(before, now).images).toEqual({
      default: ['d7y-stargz-registry:5000/conformance/python:1'],
    })
    expect(footprintDiff(before, now)).toEqual([
      'image d7y-stargz-registry:5000/conformance/python:1 (containerd namespace default): added',
    ])
  })
})

describe("the run's verdict on the nodes", () => {
  test('as found passes; a difference or a missing report fails, naming the node', () => {
    expect(footprintProblem(JSON.stringify([{ node: 'w1', differences: [] }]))).toBeUndefined()
    expect(
      footprintProblem(
        JSON.stringify([{ node: 'w1', differences: ['/etc/hosts: sha256:aa before, sha256:bb after'] }]),
      ),
    ).toBe('NODES NOT AS FOUND: w1: /etc/hosts: sha256:aa before, sha256:bb after')
    expect(footprintProblem(undefined)).toMatch(/^no node-footprint.json/)
    expect(footprintProblem('[]')).toMatch(/names no node/)
  })
})
