// The one place that runs processes: every command gets a deadline, is recorded in the run's
// transcript (secrets redacted) and fails with its command line and the tail of its output.
import { execa, type Options as ExecaOptions } from 'execa'

export interface RunOptions {
  /** milliseconds before the process is killed (default 10 minutes) */
  timeoutMs?: number
  input?: string | Buffer
  cwd?: string
  env?: Record<string, string | undefined>
  /** resolve instead of throwing on a non-zero exit */
  allowFailure?: boolean
  /** stream output lines here while the command runs (progress for long steps) */
  onLine?: (line: string) => void
  /** return stdout as bytes */
  binary?: boolean
}

export interface RunResult {
  command: string
  exitCode: number
  stdout: string
  stderr: string
  stdoutBytes?: Buffer
  /** stderr as bytes (with `binary`) */
  stderrBytes?: Buffer
  durationMs: number
}

export interface TranscriptEntry {
  command: string
  exitCode: number
  durationMs: number
  /** last lines of combined output */
  tail: string
}

const transcript: TranscriptEntry[] = []
const SECRET = /((?:password|passwd|token|secret|authorization)["']?\s*[:=]\s*["']?)([^\s"',]+)/gi

export function redact(text: string): string {
  return text.replace(SECRET, '$1***')
}

export function commandTranscript(): readonly TranscriptEntry[] {
  return transcript
}

export class CommandError extends Error {
  override name = 'CommandError'
  constructor(
    readonly result: RunResult,
    readonly timedOut: boolean,
  ) {
    const tail = lastLines(`${result.stderr}\n${result.stdout}`, 15)
    super(
      `${timedOut ? 'timed out' : `exited ${result.exitCode}`}: ${redact(result.command)}` +
        (tail ? `\n${redact(tail)}` : ''),
    )
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n')
}

export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** Runs `file args...` (no shell). */
export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = [file, ...args].map(quote).join(' ')
  const started = Date.now()
  const execaOpts: ExecaOptions = {
    reject: false,
    timeout: opts.timeoutMs ?? 10 * 60_000,
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    stripFinalNewline: false,
    encoding: opts.binary ? 'buffer' : 'utf8',
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
  }
  const child = execa(file, [...args], execaOpts)
  if (opts.onLine) {
    for (const stream of [child.stdout, child.stderr]) {
      let pending = ''
      stream?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) opts.onLine!(line)
      })
    }
  }
  const r = await child
  const stdoutBytes = opts.binary ? Buffer.from(r.stdout as unknown as Uint8Array) : undefined
  // with `binary` execa hands both streams over as bytes: String() of those would list the numbers
  const stderrBytes = opts.binary ? Buffer.from(r.stderr as unknown as Uint8Array) : undefined
  const result: RunResult = {
    command,
    exitCode: r.exitCode ?? -1,
    stdout: opts.binary ? '' : String(r.stdout ?? ''),
    stderr: stderrBytes ? stderrBytes.toString() : String(r.stderr ?? ''),
    stdoutBytes,
    ...(stderrBytes ? { stderrBytes } : {}),
    durationMs: Date.now() - started,
  }
  transcript.push({
    command: redact(command),
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    tail: redact(lastLines(`${result.stdout}\n${result.stderr}`, 20)),
  })
  if ((result.exitCode !== 0 || r.timedOut) && !opts.allowFailure)
    throw new CommandError(result, !!r.timedOut)
  return result
}

/** Runs a command and returns its trimmed stdout. */
export async function output(file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return (await run(file, args, opts)).stdout.trim()
}
