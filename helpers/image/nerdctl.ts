// nerdctl inside a node: load, convert to eStargz, push, and run with a snapshotter.
// The origin registry speaks plain HTTP, hence --insecure-registry on every call that touches it.
import type { RunResult } from '../base/exec.ts'
import { exec, type Node } from '../profiles/node.ts'

/** Where nerdctl goes in every node (the profiles put it there). */
export const NERDCTL_PATH = '/usr/local/bin/nerdctl'
const NERDCTL = NERDCTL_PATH

export function nerdctl(node: Node, args: string[], timeoutMs = 15 * 60_000): Promise<RunResult> {
  return exec(node, [NERDCTL, '--insecure-registry', ...args], { timeoutMs })
}

export async function push(node: Node, ref: string): Promise<void> {
  await nerdctl(node, ['push', ref])
}

/** `nerdctl image convert --estargz --oci`: without --oci the TOC annotations are lost (NOTES). */
export async function convertToEstargz(node: Node, source: string, target: string): Promise<void> {
  await nerdctl(node, ['image', 'convert', '--estargz', '--oci', source, target])
}

export interface RunOutcome {
  exitCode: number
  /** the container's output (nerdctl's own progress and log lines go to stderr) */
  output: string
  stderr: string
  durationMs: number
}

/** Pulls (lazily with stargz) and runs the image once, returning its output. */
export async function runImage(
  node: Node,
  ref: string,
  snapshotter: 'stargz' | 'overlayfs',
  command: string[] = [],
): Promise<RunOutcome> {
  const r = await exec(
    node,
    [
      NERDCTL,
      '--insecure-registry',
      '--snapshotter',
      snapshotter,
      'run',
      '--rm',
      '--net',
      'host',
      ref,
      ...command,
    ],
    { timeoutMs: 15 * 60_000, allowFailure: true },
  )
  return { exitCode: r.exitCode, output: r.stdout.trim(), stderr: r.stderr.trim(), durationMs: r.durationMs }
}

export async function removeImages(node: Node, refs: string[]): Promise<void> {
  await exec(node, [NERDCTL, 'rmi', '-f', ...refs], { allowFailure: true })
}
