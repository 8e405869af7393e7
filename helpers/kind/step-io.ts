// How a kind-flow step touches the world. The steps (flow.ts) are written once against this
// interface: the profile hands them a live one that runs commands and writes files, the dry-run plan
// a recorder that prints every command and file and answers each question the way a first run on a
// clean machine would (nothing exists yet), so the plan is the run's own path, not a second copy.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { run, type RunResult } from '../base/exec.ts'
import { commandLine, type Command } from './commands.ts'

export interface StepIO {
  /** runs a command (the plan prints it, with `why` as a trailing comment) */
  run(
    c: Command,
    opts?: { why?: string; onLine?: (line: string) => void; allowFailure?: boolean },
  ): Promise<RunResult>
  /** a yes/no question a command answers (by default: exit 0); the plan prints it and assumes `plan` */
  check(c: Command, opts: { plan: boolean; from?: (r: RunResult) => boolean; why?: string }): Promise<boolean>
  /** a value parsed from a command's output; the plan prints the command and uses `plan` */
  read<T>(c: Command, parse: (stdout: string) => T, plan: T): Promise<T>
  write(file: string, content: string): Promise<void>
  /** a wait by condition (the plan prints `# wait: what`) */
  wait<T>(what: string, until: () => Promise<T>, plan: T): Promise<T>
  /** work that is not one command line (an image build, an API call); the plan prints `# what` */
  task<T>(what: string, work: () => Promise<T>, plan: T): Promise<T>
  /** a comment in the plan; nothing at run time */
  note(text: string): void
  /** a progress line at run time; nothing in the plan */
  log(line: string): void
}

export function liveIO(log: (line: string) => void): StepIO {
  const exec = (c: Command, opts: { onLine?: (line: string) => void; allowFailure?: boolean } = {}) =>
    run(c.file, c.args, {
      ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
      ...(opts.onLine ? { onLine: opts.onLine } : {}),
      ...(opts.allowFailure ? { allowFailure: true } : {}),
    })
  return {
    run: (c, opts = {}) => exec(c, opts),
    check: async (c, opts) => {
      const r = await exec(c, { allowFailure: true })
      return opts.from ? opts.from(r) : r.exitCode === 0
    },
    read: async (c, parse) => parse((await exec(c)).stdout),
    write: async (file, content) => {
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, content)
    },
    wait: (_what, until) => until(),
    task: (_what, work) => work(),
    note: () => {},
    log,
  }
}

export interface RecordedStep {
  commands: string[]
  files: { path: string; content: string }[]
}

/** The plan's side: records instead of running; commands that never run here get exit 0, no output. */
export function recordingIO(into: RecordedStep): StepIO {
  const line = (c: Command, why?: string) => `${commandLine(c)}${why ? `   # ${why}` : ''}`
  const ok = (c: Command): RunResult => ({
    command: commandLine(c),
    exitCode: 0,
    stdout: '',
    stderr: '',
    durationMs: 0,
  })
  return {
    run: async (c, opts = {}) => (into.commands.push(line(c, opts.why)), ok(c)),
    check: async (c, opts) => (into.commands.push(line(c, opts.why)), opts.plan),
    read: async (c, _parse, plan) => (into.commands.push(line(c)), plan),
    write: async (file, content) => void into.files.push({ path: file, content }),
    wait: async (what, _until, plan) => (into.commands.push(`# wait: ${what}`), plan),
    task: async (what, _work, plan) => (into.commands.push(`# ${what}`), plan),
    note: (text) => void into.commands.push(`# ${text}`),
    log: () => {},
  }
}
