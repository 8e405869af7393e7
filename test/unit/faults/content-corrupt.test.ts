// The content-corrupt fault on real data: the injection's byte flip applied to the captured eStargz
// layer makes this project's validator red, and the diagnosis engine reads the cause from a
// rootfs-content verdict (not from which fault was injected).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import type { Verdict } from '../../../helpers/checks/verdict.ts'
import { verifyEstargz } from '../../../helpers/estargz/index.ts'
import { diagnoseCause } from '../../../helpers/faults/cause.ts'
import { flipByteIn } from '../../../helpers/faults/injections.ts'
import { largestFilePayload } from '../../../helpers/estargz/payload-range.ts'
import { FAULT_CHECKS, type FaultCheck } from '../../../helpers/faults/checks-and-causes.ts'
import type { PhaseEvidence } from '../../../helpers/run/pull-phase.ts'
import { rootfsContent } from '../../../helpers/checks/rootfs-content.ts'
import { parseRootfsHashes } from '../../../helpers/image/rootfs-hash.ts'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

const rootfsDir = fileURLToPath(new URL('../../../fixtures/rootfs/', import.meta.url))
const gz = (name: string) => gunzipSync(readFileSync(rootfsDir + name)).toString('utf8')
const expected = JSON.parse(gz('expected-conformance-python.json.gz')) as Record<string, string>
const stdout = gz('sha256sum-worker-conformance-python.txt.gz')

const layer = fileURLToPath(new URL('../../../fixtures/estargz/esgz/layer.tar.gz', import.meta.url))

describe('the injection on the captured layer', () => {
  test('the largest file’s compressed data is found from the TOC', async () => {
    // ./bin/busybox, 1,982,256 bytes, one 4 MiB chunk: its member runs up to the TOC (fixtures README)
    expect(await largestFilePayload(layer)).toEqual({
      name: './bin/busybox',
      size: 1982256,
      start: 381872,
      end: 1445580,
    })
  })

  test('same length, one byte changed inside that file, and the validator names its chunk', async () => {
    const blob = await readFile(layer)
    const { bytes, offset } = flipByteIn(blob, await largestFilePayload(layer))
    expect(bytes.length).toBe(blob.length)
    expect([...bytes].filter((b, i) => b !== blob[i])).toHaveLength(1)
    expect(offset).toBe(Math.floor((381872 + 1445580) / 2))
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flip-'))
    try {
      await writeFile(path.join(dir, 'layer'), bytes)
      const verdict = await verifyEstargz(path.join(dir, 'layer'))
      expect(verdict.valid).toBe(false)
      expect(!verdict.valid && verdict.reason).toMatch(/busybox/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('the diagnosis of a corrupted layer', () => {
  const green: Verdict = { passed: true, diagnosis: 'ok', evidence: {} }
  const evidence = {
    origin: { rows: [{ requests: 2 }], nonBlobRequests: 1 },
    workers: [],
  } as unknown as PhaseEvidence
  const verdicts = (over: Partial<Record<FaultCheck, Verdict>>) =>
    ({ ...Object.fromEntries(FAULT_CHECKS.map((c) => [c, green])), ...over }) as Record<FaultCheck, Verdict>

  test('files unreadable through the lazy rootfs: content-corrupt, naming the file', () => {
    const cause = diagnoseCause({
      verdicts: verdicts({
        // what sha256sum said on both workers in the content-corrupt entry's run of 2026-12-05
        'rootfs-content': rootfsContent(
          expected,
          [
            {
              node: 'd7y-stargz-worker2',
              exitCode: 123,
              hashes: parseRootfsHashes(
                stdout.replace(/^.* {2}\/usr\/lib\/x86_64-linux-gnu\/libncursesw\.so\.6\.4\n/m, ''),
                'sha256sum: /usr/lib/x86_64-linux-gnu/libncursesw.so.6.4: Input/output error\n',
              ),
            },
          ],
          1,
        ),
        'estargz-valid': {
          passed: false,
          diagnosis: 'invalid layers: chunk digest mismatch in …',
          evidence: {},
        },
      }),
      outcomes: [],
      evidence,
      status: [],
      taskIds: [],
      links: [],
    })
    expect(cause.code).toBe('content-corrupt')
    expect(cause.sentence).toMatch(
      /d7y-stargz-worker2: 1 unreadable \(\/usr\/lib\/x86_64-linux-gnu\/libncursesw\.so\.6\.4: Input\/output error\).*the validator: invalid layers/,
    )
  })
})
