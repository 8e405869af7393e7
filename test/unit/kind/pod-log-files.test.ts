// dfdaemon's log as the node keeps it, on a real capture: the script's output on the stand-in's
// worker3 for a client container killed and restarted by the fault catalog (0.log: the container
// before, 1.log: after), the lines before 09:18:35 dropped on the node.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { run } from '../../../helpers/base/exec.ts'
import { NO_LOG_DIR, parsePodLogFiles, podLogScript } from '../../../helpers/kind/pod-log-files.ts'
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises'
import os from 'node:os'

const capture = readFileSync(
  path.join(import.meta.dirname, '../../../fixtures/kind/pod-logs/client-restarted-worker3.txt'),
  'utf8',
)

describe("a container's log files read from the node", () => {
  test('both containers of the pod, the earlier first, the CRI prefix taken off', () => {
    const text = parsePodLogFiles(capture, '2026-12-06T09:18:35Z')!
    const lines = text.split('\n')
    // dfdaemon's own timestamps, in order, across the restart
    const times = lines.map((l) => l.slice(0, 27))
    expect(times.every((t) => /^2026-12-06T09:\d\d:\d\d\.\d{6}Z$/.test(t))).toBe(true)
    // the old container's lines (09:18:3x) all before the new one's (its start at 09:18:41)
    const lastOld = times.map((t) => t.startsWith('2026-12-06T09:18:3')).lastIndexOf(true)
    const firstNew = times.findIndex((t) => t.startsWith('2026-12-06T09:18:41'))
    expect(lastOld).toBeGreaterThanOrEqual(0)
    expect(firstNew).toBeGreaterThan(lastOld)
    expect(lines[0]).toMatch(/^2026-12-06T09:18:3\d/)
    expect(lines.some((l) => l.startsWith('2026-12-06T09:18:41'))).toBe(true)
    expect(text).not.toMatch(/ stdout F /)
  })

  test('a later since keeps only what was written from then on', () => {
    const all = parsePodLogFiles(capture, '2026-12-06T09:18:35Z')!.split('\n')
    const later = parsePodLogFiles(capture, '2026-12-06T09:18:41Z')!.split('\n')
    expect(later.length).toBeLessThan(all.length)
    expect(later.every((l) => l.slice(0, 19) >= '2026-12-06T09:18:41')).toBe(true)
  })

  test('a rotated file goes before the current one, partial lines are joined', async () => {
    // the layout kubelet leaves after a rotation, made here with this machine's own gzip and awk
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'podlog-')), 'client')
    await mkdir(dir)
    await writeFile(
      path.join(dir, '2.log.20261206-091309'),
      '2026-12-06T09:13:08.100000000Z stdout F early\n2026-12-06T09:13:09.300000000Z stdout F before rotation\n',
    )
    await writeFile(
      path.join(dir, '2.log'),
      '2026-12-06T09:13:09.500000000Z stdout P after rot\n2026-12-06T09:13:09.500000001Z stdout F ation\n',
    )
    await writeFile(path.join(dir, '1.log'), '2026-12-06T09:13:09.000000000Z stdout F older container\n')
    const r = await run('sh', ['-c', podLogScript(dir, '2026-12-06T09:13:09Z')])
    expect(parsePodLogFiles(r.stdout, '2026-12-06T09:13:09Z')).toBe(
      ['older container', 'before rotation', 'after rotation'].join('\n'),
    )
  })

  test('a node without the directory says so, and the caller falls back', async () => {
    const r = await run('sh', ['-c', podLogScript('/nonexistent/d7y/client')])
    expect(r.stdout.trim()).toBe(NO_LOG_DIR)
    expect(parsePodLogFiles(r.stdout)).toBeUndefined()
  })
})
