// Did the image run on every worker and print what its version command should print?
import type { RunOutcome } from '../image/nerdctl.ts'
import type { Verdict } from './verdict.ts'

export function imageRuns(
  outcomes: (RunOutcome & { node: string })[],
  run: { ref: string; command: string[]; expectOutput: string; workers: number },
): Verdict {
  const expected = new RegExp(run.expectOutput, 'm')
  const bad = outcomes.filter((o) => o.exitCode !== 0 || !expected.test(o.output))
  return {
    passed: bad.length === 0 && outcomes.length === run.workers,
    diagnosis: bad.length
      ? bad
          .map(
            (b) =>
              `${b.node}: exit ${b.exitCode}, output ${JSON.stringify(b.output.slice(-300))} (expected /${run.expectOutput}/)`,
          )
          .join('; ')
      : outcomes
          .map((o) => `${o.node}: "${o.output.split('\n').pop()}" in ${(o.durationMs / 1000).toFixed(1)}s`)
          .join('; '),
    evidence: { ref: run.ref, command: run.command, outcomes },
  }
}
