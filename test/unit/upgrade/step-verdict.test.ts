// The upgrade step's verdict on a real reader log: a reader on worker d7y-stargz-worker, started
// 15:00:56 on 2026-12-05, when the snapshotter was restarted (v0.18.2 → v0.19.1, no FUSE manager)
// 2.8 s later: two reads failed with EIO, then every read with ESTALE (fixtures/upgrade).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { RUNTIME_FILES } from '../../../helpers/image/rootfs-hash.ts'
import { parseReaderLog, type ReaderState } from '../../../helpers/upgrade/reader.ts'
import { stepFigures, stepVerdict, type NodeReads } from '../../../helpers/upgrade/step-verdict.ts'

const dir = (sub: string) => fileURLToPath(new URL(`../../../fixtures/${sub}/`, import.meta.url))
const text = gunzipSync(readFileSync(`${dir('upgrade')}reader-worker-stargz-restart.log.gz`)).toString('utf8')
const expected = JSON.parse(
  gunzipSync(readFileSync(`${dir('rootfs')}expected-conformance-python.json.gz`)).toString('utf8'),
) as Record<string, string>
const log = parseReaderLog(text)

// nerdctl inspect of that reader, 15:03 (still running, never restarted)
const state: ReaderState = {
  node: 'd7y-stargz-worker',
  id: '09fd2900e3369c4705877da435e102941d1d39328150e5a6ed373b117ddb8151',
  running: true,
  startedAt: '2026-12-05T15:00:55.554994957Z',
  restartCount: 0,
}
const firstError = log.reads.find((r) => !r.ok)!
const nodes = (reads = log.reads, after: NodeReads['after'] = state): NodeReads[] => [
  { node: state.node, before: state, after, reads },
]

describe('parseReaderLog on the captured reader', () => {
  test('every line is a read; the file count comes first', () => {
    expect(log.files).toBe(6626)
    expect(log.other).toEqual([])
    expect(log.reads.filter((r) => r.ok)).toHaveLength(56)
    expect(log.reads.filter((r) => !r.ok).map((r) => r.error)).toContain('116 Stale file handle')
    expect(firstError).toMatchObject({ path: '/etc/default/hwclock', error: '5 Input/output error' })
  })

  test('what the reader read before the restart is the image’s content (the runtime’s files aside)', () => {
    const ok = log.reads.filter((r) => r.ok && !RUNTIME_FILES.includes(r.path))
    expect(ok.length).toBeGreaterThan(50)
    expect(ok.filter((r) => expected[r.path] !== r.digest)).toEqual([])
  })
})

describe('stepVerdict', () => {
  const start = firstError.at - 100
  const window = { start, end: start + 2400, observedUntil: log.reads.at(-1)!.at }

  test('the snapshotter restart without a FUSE manager: red, the reader lost its rootfs', () => {
    const v = stepVerdict(
      'stargz v0.18.2 → v0.19.1',
      stepFigures('stargz', window, nodes(), expected),
      nodes(),
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /^stargz v0\.18\.2 → v0\.19\.1: 1 of 1 running containers lost their root filesystem \(d7y-stargz-worker: \d+ failed reads from 15:00:58, 5 Input\/output error on \/etc\/default\/hwclock\)/,
    )
  })

  test('the same reader over a window before the restart: green', () => {
    const healthy = log.reads.filter((r) => r.at < firstError.at)
    const w = { start: healthy[0]!.at, end: healthy[20]!.at, observedUntil: healthy.at(-1)!.at }
    const v = stepVerdict(
      'dfdaemon v1.5.0 → v1.5.0',
      stepFigures('dfdaemon', w, nodes(healthy), expected),
      nodes(healthy),
    )
    expect(v.diagnosis).toMatch(/1 of 1 running containers kept their root filesystem/)
    expect(v.passed).toBe(true)
  })

  test('a reader that restarted, read other content, or stalled is red for that reason', () => {
    const healthy = log.reads.filter((r) => r.at < firstError.at)
    const w = { start: healthy[0]!.at, end: healthy[20]!.at, observedUntil: healthy.at(-1)!.at }
    const restarted = { ...state, startedAt: '2026-12-05T15:05:00Z', restartCount: 1 }
    expect(
      stepVerdict('x', stepFigures('x', w, nodes(healthy, restarted), expected), nodes(healthy, restarted))
        .diagnosis,
    ).toMatch(/1 of 1 containers did not survive as they were \(d7y-stargz-worker: restarted\)/)
    const changed = healthy.map((r, i) => (i === 30 ? { ...r, digest: `sha256:${'0'.repeat(64)}` } : r))
    expect(stepVerdict('x', stepFigures('x', w, nodes(changed), expected), nodes(changed)).diagnosis).toMatch(
      new RegExp(`read content that is not the image's \\(d7y-stargz-worker: ${healthy[30]!.path}\\)`),
    )
    const stalled = healthy.slice(0, 20)
    expect(stepVerdict('x', stepFigures('x', w, nodes(stalled), expected), nodes(stalled)).diagnosis).toMatch(
      /the reader read nothing after the step/,
    )
  })
})

describe('stepVerdict on reads that failed only during the step', () => {
  // dfdaemon's rolling restart, FUSE manager on: one read failed with EIO while the node's dfdaemon
  // restarted, every read after it succeeded (fixtures/upgrade/README.md)
  const restart = parseReaderLog(
    gunzipSync(readFileSync(`${dir('upgrade')}reader-worker-dfdaemon-restart.log.gz`)).toString('utf8'),
  )
  const failed = restart.reads.find((r) => !r.ok)!

  test('red, named as reads that failed and came back, not as a lost rootfs', () => {
    expect(restart.reads.filter((r) => !r.ok)).toHaveLength(1)
    const w = { start: failed.at - 10_000, end: failed.at + 19_000, observedUntil: failed.at + 25_000 }
    const n = nodes(restart.reads)
    const v = stepVerdict('dfdaemon v1.5.0 → v1.5.0', stepFigures('dfdaemon', w, n, expected), n)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /1 of 1 running containers had reads fail during the step, then read again \(d7y-stargz-worker: 1 failed from 15:18:56, 5 Input\/output error on \/usr\/lib\/python3\.11\/__pycache__\/_sysconfigdata__linux_x86_64-linux-gnu\.cpython-311\.pyc\)/,
    )
    expect(v.diagnosis).not.toMatch(/lost their root filesystem/)
  })
})
