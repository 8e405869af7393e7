// The agent's keeping wrapper run by a real sh (the agent runs busybox's), and the check that tells
// a whole output from one kubectl exec cut short (kubernetes#124571): every cut is caught.
import { execa } from 'execa'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../../helpers/base/exec.ts'
import { keepScript, keptOutput, rereadScript } from '../../../helpers/profiles/agent-output.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'd7y-kept-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

// a command with both streams, bytes that are not UTF-8, no final newline, and its own exit code
const COMMAND = ['sh', '-c', "seq 1 5000; printf '\\377tail'; echo oops >&2; exit 3"]

// through the suite's own runner with `binary`, as node.ts reads the agent (bytes on both streams)
async function wrapped(script: string, args: string[]) {
  const r = await run('sh', ['-c', script, 'x', ...args], { binary: true, allowFailure: true })
  return { stdout: r.stdoutBytes!, stderr: r.stderrBytes!, exitCode: r.exitCode }
}

describe('the agent keeps a command output and proves it whole', () => {
  it('passes the command output through byte for byte, with its exit code', async () => {
    const r = await wrapped(keepScript(dir), ['id1', ...COMMAND])
    expect(r.exitCode).toBe(3)
    const kept = keptOutput(r.stdout, r.stderr)
    if (typeof kept === 'string') throw new Error(kept)
    const direct = await execa(COMMAND[0]!, COMMAND.slice(1), {
      encoding: 'buffer',
      reject: false,
      stripFinalNewline: false,
    })
    expect(kept.stdout.equals(Buffer.from(direct.stdout))).toBe(true)
    expect(kept.stderr.toString()).toBe('oops\n')
    expect(kept.exitCode).toBe(3)
  })

  it('reads the kept output again, the same bytes and the exit code it was given', async () => {
    const first = await wrapped(keepScript(dir), ['id2', ...COMMAND])
    const again = await wrapped(rereadScript(dir), ['id2', '3'])
    const a = keptOutput(first.stdout, first.stderr)
    const b = keptOutput(again.stdout, again.stderr)
    if (typeof a === 'string' || typeof b === 'string') throw new Error(`${String(a)} ${String(b)}`)
    expect(b.stdout.equals(a.stdout)).toBe(true)
    expect(b.exitCode).toBe(3)
  })

  it('catches stdout cut anywhere in its tail, and stderr cut short', async () => {
    const r = await wrapped(keepScript(dir), ['id3', ...COMMAND])
    for (const cut of [1, 5, 20, 40, 1000, r.stdout.length - 1])
      expect(typeof keptOutput(r.stdout.subarray(0, r.stdout.length - cut), r.stderr)).toBe('string')
    expect(keptOutput(r.stdout, r.stderr.subarray(0, 2))).toMatch(/stderr has 2 of 5 bytes/)
  })

  it("tolerates kubectl's own line after the command's stderr", async () => {
    const r = await wrapped(keepScript(dir), ['id4', ...COMMAND])
    const kept = keptOutput(
      r.stdout,
      Buffer.concat([r.stderr, Buffer.from('command terminated with exit code 3\n')]),
    )
    expect(typeof kept === 'string' ? kept : kept.stderr.toString()).toBe('oops\n')
  })

  it('reports a missing trailer (kubectl closed the stream before it)', () => {
    expect(keptOutput(Buffer.from('1\n2\n3\n'), Buffer.alloc(0))).toMatch(/without the agent's trailer/)
  })
})
