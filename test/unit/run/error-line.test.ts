import { describe, expect, it } from 'vitest'
import { errorLine } from '../../../helpers/base/error-line.ts'
import { run } from '../../../helpers/base/exec.ts'

describe('errorLine', () => {
  it("keeps a failed command's last stderr line beside what failed", async () => {
    const err = await run('sh', [
      '-c',
      'echo progress; echo "E1206 rmp: pod sandbox not found" >&2; exit 3',
    ]).catch((e) => e)
    expect(errorLine(err)).toBe(
      `exited 3: sh -c 'echo progress; echo "E1206 rmp: pod sandbox not found" >&2; exit 3' — E1206 rmp: pod sandbox not found`,
    )
  })

  it('is the first line alone when the command said nothing on stderr', async () => {
    const err = await run('sh', ['-c', 'echo only-stdout; exit 1']).catch((e) => e)
    expect(errorLine(err)).toBe(`exited 1: sh -c 'echo only-stdout; exit 1'`)
  })

  it('is the first line of any other error', () => {
    expect(errorLine(new Error('cannot reach the API\nat line 2'))).toBe('cannot reach the API')
    expect(errorLine('plain')).toBe('plain')
  })
})
