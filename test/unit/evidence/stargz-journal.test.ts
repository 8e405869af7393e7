import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { lines } from '../../../helpers/evidence/lines.ts'
import { parseStargzJournal, parseStargzLine } from '../../../helpers/evidence/stargz-journal.ts'

const fixture = (name: string) => new URL(`../../../fixtures/logs/${name}`, import.meta.url).pathname

const ESGZ_LAYER = 'sha256:68143b03360c3710756df33adb936863c21ea3dabbf85f987aea24357852d18e'
const CHUNK64K_LAYER = 'sha256:3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'
const PLAIN_LAYER = 'sha256:cc85f506df9e6e3f9b6ce2960345c6baddbea01d31d56b9e94e4859eb7b0e355'

describe('stargz snapshotter journal', () => {
  test('lazy pull: both eStargz layers prepared as remote snapshots, none failed', async () => {
    const summary = await parseStargzJournal(lines(fixture('stargz-journal-lazy-pull.txt')))
    expect(summary).toMatchObject({ prepared: 2, failed: 0, malformed: 0 })
    expect(summary.snapshots.map((s) => [s.outcome, s.layerDigest, s.ref])).toEqual([
      ['prepared', ESGZ_LAYER, 'reg:5000/fixture:1-esgz'],
      ['prepared', CHUNK64K_LAYER, 'reg:5000/fixture:1-esgz-chunk64k'],
    ])
    expect(summary.snapshots[0]).toMatchObject({
      key: 'default/1/extract-444812681--aH6 sha256:7a1d7d86d0432aeadc44de9b5afbf2949dff947a1a20344dea1d76a57d5c8c80',
      chainId: 'sha256:7a1d7d86d0432aeadc44de9b5afbf2949dff947a1a20344dea1d76a57d5c8c80',
      host: 'node-a',
      time: '2026-11-27T20:56:57Z',
    })
  })

  test('fallback: two prepared, the plain gzip layer failed with the resolver error', async () => {
    const summary = await parseStargzJournal(lines(fixture('stargz-journal-fallback.txt')))
    expect(summary).toMatchObject({ prepared: 2, failed: 1 })
    const failed = summary.snapshots.filter((s) => s.outcome === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ layerDigest: PLAIN_LAYER, ref: 'reg:5000/fixture:1', host: 'node-b' })
    expect(failed[0]?.error).toMatch(/^failed to resolve layer: .*3 error\(s\) occurred/s)
    expect(failed[0]?.error).toContain('invalid magic number')
  })

  test('the same facts from bare JSON lines, `-o short` prefixes and `-o json` entries', async () => {
    const text = readFileSync(fixture('stargz-journal-fallback.txt'), 'utf8')
    const bare = text.split('\n').map((l) => l.slice(Math.max(0, l.indexOf('{'))))
    const short = text.split('\n').map((l) => l.replace(/^2026-11-27T(\S+)\+0000/, 'Nov 27 $1'))
    const json = text
      .split('\n')
      .filter((l) => l.includes('{'))
      .map((l) => JSON.stringify({ _HOSTNAME: 'node-b', MESSAGE: l.slice(l.indexOf('{')) }))
    for (const variant of [bare, short, json]) {
      const summary = await parseStargzJournal(variant)
      expect(summary).toMatchObject({ prepared: 2, failed: 1 })
      expect(summary.snapshots.map((s) => s.layerDigest)).toEqual([ESGZ_LAYER, CHUNK64K_LAYER, PLAIN_LAYER])
    }
    const shortSummary = await parseStargzJournal(short)
    expect(shortSummary.snapshots[0]?.host).toBe('node-b')
  })

  test('a truncated JSON line is counted as malformed and skipped; non-JSON lines are ignored', async () => {
    const text = readFileSync(fixture('stargz-journal-lazy-pull.txt'), 'utf8').split('\n')
    const prepared = text.find((l) => l.includes('"prepared remote snapshot"')) ?? ''
    const damaged = [...text, prepared.slice(0, 120), '-- Boot 1f2e --', '']
    const summary = await parseStargzJournal(damaged)
    expect(summary).toMatchObject({ prepared: 2, failed: 0, malformed: 1 })
    expect(parseStargzLine('2026-11-27T20:56:38+0000 node-a systemd[1]: Started x.')).toBeUndefined()
  })

  test('a cached image logs nothing: zero prepared is visible, not an error', async () => {
    const summary = await parseStargzJournal([
      '2026-11-27T20:56:38+0000 node-a containerd-stargz-grpc[120]: {"level":"info","msg":"serving","time":"2026-11-27T20:56:38Z"}',
    ])
    expect(summary).toMatchObject({ prepared: 0, failed: 0, lines: 1, snapshots: [] })
  })
})

describe('stargz snapshotter journal with the FUSE manager (local profile, 2026-12-05)', () => {
  // With [fuse_manager] the lines naming the layer come from the manager, into its own log file, by
  // mountpoint; the journal keeps the outcome by key and "preparing filesystem mount at mountpoint=".
  const journal = fixture('fuse-manager/stargz-journal.txt')
  const manager = fixture('fuse-manager/stargz-fuse-manager.log')

  test('the journal alone names no layer (what turned remote-snapshots red on the first such run)', async () => {
    const summary = await parseStargzJournal(lines(journal))
    expect(summary.prepared).toBe(2)
    expect(summary.snapshots.map((s) => s.layerDigest)).toEqual([undefined, undefined])
  })

  test('joined with the manager’s log by mountpoint, each prepared snapshot names its layer and image', async () => {
    const summary = await parseStargzJournal(lines(journal), lines(manager))
    expect(summary).toMatchObject({ prepared: 2, failed: 0, malformed: 0 })
    expect(summary.snapshots.map((s) => [s.layerDigest, s.ref, s.namespace])).toEqual([
      [
        'sha256:d325933562065d2e9df2a7dabb858b378d69bc46348502021052248b6edce2e2',
        'd7y-stargz-registry:5000/conformance/python:1-esgz-fresh-1796483502',
        'default',
      ],
      [
        'sha256:6cee77d48f0a3450e6d7486442a5536bddc356463d86ce6343bd5695fada0e74',
        'd7y-stargz-registry:5000/conformance/python:1-esgz',
        'default',
      ],
    ])
  })
})
