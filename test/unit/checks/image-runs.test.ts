// The image-runs verdict (nerdctl and CRI paths): it passes only when every worker ran the image
// and printed what the version command should print.
import { describe, expect, test } from 'vitest'
import { imageRuns } from '../../../helpers/checks/image-runs.ts'

const spec = {
  ref: 'reg:5000/conformance/python:1-esgz',
  command: ['python3', '-V'],
  expectOutput: '^Python 3\\.\\d+\\.\\d+',
  workers: 2,
}
const ok = (node: string) => ({ node, exitCode: 0, output: 'Python 3.11.2', stderr: '', durationMs: 1300 })

describe('image runs', () => {
  test('passes when every worker printed the version', () => {
    const v = imageRuns([ok('w1'), ok('w2')], spec)
    expect(v.passed, v.diagnosis).toBe(true)
    expect(v.diagnosis).toBe('w1: "Python 3.11.2" in 1.3s; w2: "Python 3.11.2" in 1.3s')
  })

  test('fails on a non-zero exit or an unexpected output, naming the node', () => {
    const v = imageRuns(
      [ok('w1'), { ...ok('w2'), exitCode: 127, output: 'exec: "python3": not found' }],
      spec,
    )
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/^w2: exit 127, output "exec: \\"python3\\": not found" \(expected/)
  })

  test('fails when a worker did not run at all', () => {
    expect(imageRuns([ok('w1')], spec).passed).toBe(false)
  })
})
