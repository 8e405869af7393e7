// Runs a binary's version command: proves it starts, and gives the line reports show.
import { run } from '../base/exec.ts'

export interface VersionProbe {
  /** the process started and exited 0 */
  ok: boolean
  /** stdout and stderr together (some tools print their version on stderr) */
  output: string
}

export async function probeVersion(binary: string, args: readonly string[]): Promise<VersionProbe> {
  try {
    const r = await run(binary, args, { timeoutMs: 30_000, allowFailure: true })
    return { ok: r.exitCode === 0, output: `${r.stdout}\n${r.stderr}`.trim() }
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) }
  }
}
