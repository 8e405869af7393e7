// `kubectl exec` can end a command's output early and still exit with the command's own code
// (kubernetes/kubernetes#124571; seen here: a rootfs listing through the agent came back without its
// last 93 files, exit 0). A verdict read from such output would be a function of the stream, not of
// the stack. So the agent keeps what a command printed in its own /tmp (the pod's filesystem, not the
// node's), prints it, and ends stdout with a trailer of both streams' byte counts and the exit code;
// the suite checks the counts and, when they are short, reads the kept files again (the command is
// not run twice: some change the node).
import { agentKubectlArgs, onHost, type AgentAccess } from './node-access.ts'

const TRAILER = 'd7y-agent-exec-end'
/** the agent's own directory for kept outputs; files older than this many minutes are dropped */
const KEPT = '/tmp/d7y-exec'
const KEEP_MINUTES = 30

/** Both kept streams printed, then the trailer: their byte counts and the exit code in $rc. */
const PRINT_KEPT = [
  `cat "$d/$id.out"; cat "$d/$id.err" >&2`,
  `printf '\\n%s %s %s %s\\n' ${TRAILER} "$(wc -c <"$d/$id.out")" "$(wc -c <"$d/$id.err")" "$rc"`,
]

/** busybox sh in the agent container: $1 the output's id, the rest the command (nsenter …). */
export const keepScript = (dir = KEPT) =>
  [
    `d=${dir}; mkdir -p "$d"; find "$d" -type f -mmin +${KEEP_MINUTES} -exec rm -f {} + 2>/dev/null`,
    'id=$1; shift',
    '"$@" >"$d/$id.out" 2>"$d/$id.err"; rc=$?',
    ...PRINT_KEPT,
    'exit $rc',
  ].join('\n')

/** Reads the kept output of `id` again, with the same trailer (the exit code kept from the run). */
export const rereadScript = (dir = KEPT) => [`d=${dir}; id=$1; rc=$2`, ...PRINT_KEPT].join('\n')

/** kubectl's arguments for `argv` on the node, run under the keeping wrapper. */
export function keptExecArgs(a: AgentAccess, id: string, argv: readonly string[], stdin: boolean): string[] {
  return [...agentKubectlArgs(a, stdin), 'sh', '-c', keepScript(), 'd7y-exec', id, ...onHost(argv)]
}

export function rereadArgs(a: AgentAccess, id: string, exitCode: number): string[] {
  return [...agentKubectlArgs(a, false), 'sh', '-c', rereadScript(), 'd7y-reread', id, String(exitCode)]
}

export interface KeptOutput {
  stdout: Buffer
  stderr: Buffer
  exitCode: number
}

/**
 * The command's own output when it arrived whole (the trailer present, both byte counts met), else a
 * sentence saying what was short.
 */
export function keptOutput(stdout: Buffer, stderr: Buffer): KeptOutput | string {
  const marker = Buffer.from(`\n${TRAILER} `)
  const at = stdout.lastIndexOf(marker)
  if (at < 0) return `stdout ended after ${stdout.length} bytes without the agent's trailer`
  const m = /^(\d+) (\d+) (\d+)\n$/.exec(stdout.subarray(at + marker.length).toString())
  if (!m) return `the agent's trailer is cut short (${stdout.length} bytes of stdout)`
  const [outBytes, errBytes, exitCode] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const out = stdout.subarray(0, at)
  if (out.length !== outBytes) return `stdout has ${out.length} of ${outBytes} bytes`
  // kubectl adds its own lines after the command's ("command terminated with exit code 1")
  if (stderr.length < errBytes) return `stderr has ${stderr.length} of ${errBytes} bytes`
  return { stdout: out, stderr: stderr.subarray(0, errBytes), exitCode }
}
