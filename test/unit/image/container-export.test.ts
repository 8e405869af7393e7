// A container's export filtered of Docker's init layer: what stays is the image's, byte for byte.
// fixtures/image/docker-export-entries-2026-12-06.txt.gz: every entry (type, name) of a real
// `docker export` (Docker 20.10, a container created from a Debian image); against the image's own
// layers it added the regular files .dockerenv and etc/hosts, and turned dev/console into one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { filterTar, isDockerInitEntry } from '../../../helpers/image/container-export.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-export-'))
const list = (file: string) =>
  execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n').sort()

describe('isDockerInitEntry', () => {
  test.each([
    ['.dockerenv', true],
    ['./.dockerenv', true],
    ['dev/console', true],
    ['dev/', false],
    ['dev/pts/', false],
    ['etc/hosts', false], // the runtime's: rootfs-content leaves it out by itself
    ['usr/bin/python3.11', false],
  ])('%s → %s', (name, dropped) => expect(isDockerInitEntry(name)).toBe(dropped))
})

test('on a real export, the regular files dropped are exactly the init layer’s (the runtime’s /etc files are judged by nobody)', () => {
  const entries = gunzipSync(
    readFileSync(new URL('../../../fixtures/image/docker-export-entries-2026-12-06.txt.gz', import.meta.url)),
  )
    .toString()
    .trim()
    .split('\n')
    .map((l) => ({ type: l[0], name: l.slice(2) }))
  expect(entries.length).toBeGreaterThan(7000)
  const files = entries.filter((e) => e.type === 'f').map((e) => e.name)
  expect(files.filter(isDockerInitEntry)).toEqual(['.dockerenv', 'dev/console'])
  expect(files).toEqual(expect.arrayContaining(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']))
})

describe('filterTar', () => {
  test('drops exactly the named entries and keeps every other entry with its content', async () => {
    const root = path.join(dir, 'root')
    execFileSync('sh', [
      '-c',
      `mkdir -p ${root}/dev/pts ${root}/usr/bin && : > ${root}/.dockerenv && : > ${root}/dev/console && printf python > ${root}/usr/bin/python3 && ln -s python3 ${root}/usr/bin/python`,
    ])
    const from = path.join(dir, 'export.tar')
    execFileSync('tar', ['-C', root, '-cf', from, '.dockerenv', 'dev', 'usr'])
    const to = path.join(dir, 'flat.tar')
    const dropped = await filterTar(from, to, isDockerInitEntry)
    expect(dropped.sort()).toEqual(['.dockerenv', 'dev/console'])
    expect(list(to)).toEqual(['dev/', 'dev/pts/', 'usr/', 'usr/bin/', 'usr/bin/python', 'usr/bin/python3'])
    expect(execFileSync('tar', ['-xOf', to, 'usr/bin/python3'], { encoding: 'utf8' })).toBe('python')
  })
})
