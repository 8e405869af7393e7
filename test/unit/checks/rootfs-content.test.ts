// rootfs-content on a real capture: `sha256sum` over every regular file inside a container of the
// eStargz test image on a local-profile worker (2026-12-05), held against the digests this project's
// validator listed from the same pushed layer (fixtures/rootfs). The red cases change one real line.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { rootfsContent, type NodeHashes } from '../../../helpers/checks/rootfs-content.ts'
import { parseRootfsHashes } from '../../../helpers/image/rootfs-hash.ts'

const dir = fileURLToPath(new URL('../../../fixtures/rootfs/', import.meta.url))
const gz = (name: string) => gunzipSync(readFileSync(dir + name)).toString('utf8')
const expected = JSON.parse(gz('expected-conformance-python.json.gz')) as Record<string, string>
const stdout = gz('sha256sum-worker-conformance-python.txt.gz')
const stderr = readFileSync(`${dir}sha256sum-worker-stderr.txt`, 'utf8')

const node = (name: string, out = stdout, err = stderr, exitCode = 0): NodeHashes => ({
  node: name,
  exitCode,
  hashes: parseRootfsHashes(out, err),
})
const lineOf = (path: string) => stdout.split('\n').find((l) => l.endsWith(`  ${path}`))!

describe('parseRootfsHashes on the captured output', () => {
  test('every file line is read; nerdctl’s own info lines are not errors', () => {
    const h = parseRootfsHashes(stdout, stderr)
    expect(h.digests.size).toBe(6626)
    expect(h.errors).toEqual([])
    expect(h.other).toEqual([])
    expect(h.digests.get('/usr/bin/python3.11')).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  test('read errors of find and sha256sum name the file and the error', () => {
    const h = parseRootfsHashes(
      '',
      "sha256sum: /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0: Input/output error\nfind: '/usr/share': Transport endpoint is not connected\n",
    )
    expect(h.errors).toEqual([
      { path: '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0', error: 'Input/output error' },
      { path: '/usr/share', error: 'Transport endpoint is not connected' },
    ])
  })
})

describe('rootfs-content', () => {
  test('green on the healthy capture: runtime-mounted files aside, every file matches', () => {
    const v = rootfsContent(expected, [node('worker'), node('worker2')], 2)
    expect(v.diagnosis).toMatch(/every regular file of the image \(6625\) read back/)
    expect(v.passed).toBe(true)
  })

  test('a file that reads back other bytes is red, named, with the cause', () => {
    const path = '/usr/bin/python3.11'
    const changed = stdout.replace(lineOf(path), `${'0'.repeat(64)}  ${path}`)
    const v = rootfsContent(expected, [node('worker'), node('worker2', changed)], 2)
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/^worker2: 1 differ from the layers \(\/usr\/bin\/python3\.11\)/)
    expect(v.diagnosis).toMatch(/silent corruption/)
  })

  test('an unreadable file is red as unreadable, not missing', () => {
    const path = '/usr/bin/python3.11'
    const v = rootfsContent(
      expected,
      [
        node(
          'worker',
          stdout.replace(`${lineOf(path)}\n`, ''),
          `sha256sum: ${path}: Input/output error\n`,
          123,
        ),
      ],
      1,
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/1 unreadable \(\/usr\/bin\/python3\.11: Input\/output error\)/)
    expect(v.diagnosis).not.toMatch(/missing/)
    expect(v.diagnosis).toMatch(/could not fetch or verify a chunk/)
  })

  test('a file of the image the container lacks, or one it has beyond the image, is red', () => {
    const path = '/usr/bin/python3.11'
    const v = rootfsContent(
      expected,
      [node('worker', `${stdout.replace(`${lineOf(path)}\n`, '')}\n${'a'.repeat(64)}  /opt/stray`)],
      1,
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/1 missing \(\/usr\/bin\/python3\.11\); 1 not in the image \(\/opt\/stray\)/)
  })

  test('a worker that did not hash, or no digests from the layers: red', () => {
    expect(rootfsContent(expected, [node('worker')], 2).diagnosis).toMatch(/1 worker\(s\) did not hash/)
    expect(rootfsContent({}, [node('worker')], 1).diagnosis).toMatch(/^cannot judge/)
  })
})

describe('rootfs-content on a sample (the fault catalog’s pulls)', () => {
  test('files left out are not missing; the ones read are judged; an empty sample is red', () => {
    const sampleOut = stdout
      .split('\n')
      .filter((_, i) => i % 10 === 0)
      .join('\n')
    const ok = rootfsContent(expected, [node('worker', sampleOut)], 1, 'sample')
    expect(ok.passed).toBe(true)
    expect(ok.diagnosis).toMatch(/a sample .* worker 66\d of 6625/)
    const path = sampleOut.split('\n')[5]!.slice(66)
    const bad = rootfsContent(
      expected,
      [node('worker', sampleOut.replace(/^[0-9a-f]{64}(?= {2})/m, '0'.repeat(64)))],
      1,
      'sample',
    )
    expect(bad.passed).toBe(false)
    expect(bad.diagnosis).toMatch(/1 differ from the layers/)
    expect(path).toMatch(/^\//)
    expect(rootfsContent(expected, [node('worker', '')], 1, 'sample').diagnosis).toMatch(
      /no file of the image was read/,
    )
  })

  test('nerdctl’s own error line about signal forwarding (a healthy run, 2026-12-05) is not a failure', () => {
    const line =
      'time="2026-12-05T14:50:41Z" level=error msg="forward signal child exited" error="ttrpc: closed"'
    const v = rootfsContent(expected, [node('worker', stdout, `${stderr}${line}\n`)], 1)
    expect(v.passed).toBe(true)
    expect(parseRootfsHashes(stdout, line).runtime).toEqual([line])
  })
})

describe('rootfs-content after a fallback to a full pull', () => {
  test('eStargz’s own TOC file, extracted by a full pull (gate of 2026-12-05: mirror-url, no-fuse …), is not "not in the image"', () => {
    // what the fault catalog's fallback entries hashed beside the image's files
    const toc = `${'5'.repeat(64)}  /stargz.index.json`
    const v = rootfsContent(expected, [node('worker', `${stdout}\n${toc}`)], 1)
    expect(v.diagnosis).not.toMatch(/not in the image/)
    expect(v.passed).toBe(true)
    // any other file beyond the image still is
    expect(
      rootfsContent(expected, [node('worker', `${stdout}\n${'5'.repeat(64)}  /stargz.other`)], 1).passed,
    ).toBe(false)
  })
})
