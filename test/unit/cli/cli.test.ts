// The CLI as users run it: `node bin/d7y-conformance.js ...` in a child process, on committed fixtures.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = path.join(ROOT, 'bin/d7y-conformance.js')
const TOC_DIGEST = 'containerd.io/snapshot/stargz/toc.digest'
// Each run starts Node and tsx (about a second); they run concurrently.
const TIMEOUT = 30_000

async function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  // Start from an environment without D7Y_* settings so the defaults are what is tested.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('D7Y_')))
  const r = await execa('node', [BIN, ...args], {
    cwd,
    env: { ...base, ...env },
    extendEnv: false,
    reject: false,
  })
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }
}

interface Manifest {
  layers: { digest: string; annotations?: Record<string, string> }[]
}

describe.concurrent('d7y-conformance', () => {
  for (const variant of ['esgz', 'esgz-chunk64k']) {
    test(
      `estargz verify: the ${variant} layer is valid and matches its manifest`,
      async () => {
        const dir = `fixtures/estargz/${variant}`
        const r = await cli([
          'estargz',
          'verify',
          `${dir}/layer.tar.gz`,
          '--manifest',
          `${dir}/manifest.json`,
        ])
        expect(r.stderr).toBe('')
        expect(r.exitCode).toBe(0)
        const manifest = JSON.parse(await readFile(path.join(ROOT, dir, 'manifest.json'), 'utf8')) as Manifest
        const out = JSON.parse(r.stdout) as {
          valid: boolean
          tocDigest: string
          entries: number
          digest: string
        }
        expect(out.valid).toBe(true)
        expect(out.digest).toBe(manifest.layers[0]?.digest)
        expect(out.tocDigest).toBe(manifest.layers[0]?.annotations?.[TOC_DIGEST])
        expect(out.entries).toBeGreaterThan(0)
      },
      TIMEOUT,
    )
  }

  test(
    'estargz verify: a plain gzip layer is rejected, with the reason on stdout and stderr',
    async () => {
      const r = await cli(['estargz', 'verify', 'fixtures/estargz/plain/layer.tar.gz'])
      expect(r.exitCode).toBe(1)
      const out = JSON.parse(r.stdout) as { valid: boolean; reason: string }
      expect(out.valid).toBe(false)
      expect(out.reason).toMatch(/^not eStargz/)
      expect(r.stderr.trim()).toBe(out.reason)
    },
    TIMEOUT,
  )

  test(
    'evidence origin: two nodes each fetched the whole layer and the config',
    async () => {
      const r = await cli([
        'evidence',
        'origin',
        'fixtures/logs/registry-origin-2-nodes.log',
        '--manifest',
        'fixtures/logs/registry-origin-2-nodes.manifest.json',
      ])
      expect(r.exitCode).toBe(0)
      const { blobs } = JSON.parse(r.stdout) as {
        blobs: { digest: string; size: number; clients: number; requests: number; amplification: number }[]
      }
      const [config, layer] = blobs
      expect(blobs).toHaveLength(2)
      expect(config).toMatchObject({ size: 880, clients: 2, amplification: 2 })
      // 21,403,148 bytes served for a 7,901,572-byte layer: whole per node, with overlapping reads.
      expect(layer).toMatchObject({ size: 7_901_572, clients: 2, bytesServed: 21_403_148 })
      expect(layer?.amplification).toBeGreaterThan(2.7)
      expect(layer?.amplification).toBeLessThan(2.72)
    },
    TIMEOUT,
  )

  test(
    'evidence stargz: the fallback journal has 2 prepared and 1 failed layer',
    async () => {
      const r = await cli(['evidence', 'stargz', 'fixtures/logs/stargz-journal-fallback.txt'])
      expect(r.exitCode).toBe(0)
      const out = JSON.parse(r.stdout) as {
        prepared: number
        failed: number
        failures: { layer: string; error: string }[]
      }
      expect(out).toMatchObject({ prepared: 2, failed: 1 })
      expect(out.failures).toHaveLength(1)
      expect(out.failures[0]?.layer).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(out.failures[0]?.error).toContain('gzip: invalid header')
    },
    TIMEOUT,
  )

  test(
    'render kind-config: YAML with a control plane and two workers, from any working directory',
    async () => {
      const r = await cli(['render', 'kind-config'], {}, os.tmpdir())
      expect(r.exitCode).toBe(0)
      const doc = parse(r.stdout) as { kind: string; nodes: { role: string }[] }
      expect(doc.kind).toBe('Cluster')
      expect(doc.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker'])
    },
    TIMEOUT,
  )

  test(
    'render nope: fails listing the valid names',
    async () => {
      const r = await cli(['render', 'nope'])
      expect(r.exitCode).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('"nope"')
      expect(r.stderr).toContain('kind-config, helm-values')
    },
    TIMEOUT,
  )

  test(
    'config: an invalid D7Y_WORKERS is one line naming it, exit 2',
    async () => {
      const r = await cli(['config'], { D7Y_WORKERS: 'abc' })
      expect(r.exitCode).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('D7Y_WORKERS')
    },
    TIMEOUT,
  )

  test(
    'evidence dfdaemon: per-task facts; a --task absent from the log exits 1',
    async ({ onTestFinished }) => {
      // (the context's onTestFinished: tests here run concurrently)
      // Two lines as dragonfly-client 1.5.0 prints them (see test/unit/evidence/dfdaemon-log.test.ts).
      const task = '3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'
      const span =
        'handler:registry_mirror_http_handler:proxy_via_dfdaemon:download: dragonfly-client/src/proxy'
      const fields = `method="GET" host_id="172.21.0.3-node-a" task_id="${task}" peer_id="172.21.0.3-node-a-6f1c"`
      const dir = await mkdtemp(path.join(os.tmpdir(), 'd7y-cli-'))
      onTestFinished(() => rm(dir, { recursive: true, force: true }))
      const log = path.join(dir, 'dfdaemon.log')
      await writeFile(
        log,
        `2026-11-28T10:15:02.120001Z  INFO ${span}/task.rs:127: download task started: Download { url: "http://reg:5000/v2/fixture/blobs/sha256:${task}", .. } ${fields}\n` +
          `2026-11-28T10:15:02.131200Z DEBUG ${span}/task.rs:262: download task succeeded ${fields} content_length=7901572\n`,
      )
      const found = await cli(['evidence', 'dfdaemon', log, '--task', `sha256:${task}`])
      expect(found.exitCode).toBe(0)
      const out = JSON.parse(found.stdout) as {
        tasks: Record<string, { started: number; succeeded: number }>
      }
      expect(out.tasks[task]).toMatchObject({ started: 1, succeeded: 1, wentBackToSource: false })
      const absent = await cli(['evidence', 'dfdaemon', log, '--task', 'f'.repeat(64)])
      expect(absent.exitCode).toBe(1)
      expect(absent.stderr).toContain('not in the log')
    },
    TIMEOUT,
  )
})
