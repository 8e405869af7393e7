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
import { flipMiddleByte } from '../../../helpers/faults/injections.ts'
import { FAULT_CHECKS, type FaultCheck } from '../../../helpers/faults/types.ts'
import type { PhaseEvidence } from '../../../helpers/pull-phase.ts'

const layer = fileURLToPath(new URL('../../../fixtures/estargz/esgz/layer.tar.gz', import.meta.url))

describe('flipMiddleByte on the captured layer', () => {
  test('same length, one byte changed, and the validator names a broken chunk', async () => {
    const blob = await readFile(layer)
    const { bytes, offset } = flipMiddleByte(blob)
    expect(bytes.length).toBe(blob.length)
    expect([...bytes].filter((b, i) => b !== blob[i])).toHaveLength(1)
    expect(offset).toBe(Math.floor(blob.length / 2))
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flip-'))
    try {
      await writeFile(path.join(dir, 'layer'), bytes)
      const verdict = await verifyEstargz(path.join(dir, 'layer'))
      expect(verdict.valid).toBe(false)
      expect(!verdict.valid && verdict.reason).toMatch(/chunk digest mismatch|tar stream breaks|gzip/i)
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
        'rootfs-content': {
          passed: false,
          diagnosis:
            'worker2: 1 unreadable (/usr/bin/python3.11: Input/output error). A read error through a lazily pulled rootfs means …',
          evidence: {},
        },
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
    expect(cause.sentence).toMatch(/python3\.11: Input\/output error.*the validator: invalid layers/)
  })
})
