// A build is a list of commands. Each is a plain value (so recipes are tested without running them)
// and runs through helpers/base/exec.ts with its full output in the tool's log file and a heartbeat line
// every minute for people watching a long build.
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { CommandError, quote, run, type RunResult } from '../base/exec.ts'
import type { Log } from './types.ts'

export interface CommandStep {
  /** what this step does, in a few words */
  title: string
  file: string
  args: string[]
  /** added to the inherited environment */
  env?: Record<string, string>
  cwd?: string
  timeoutMs?: number
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** The step as a shell line a person can paste (env assignments first). */
export function commandLine(step: CommandStep): string {
  const env = Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`)
  const cd = step.cwd ? `cd ${quote(step.cwd)} && ` : ''
  return cd + [...env, step.file, ...step.args.map(quote)].join(' ')
}

export interface StepOptions {
  log: Log
  /** the full output is appended here */
  logFile: string
  heartbeatMs?: number
}

export async function runStep(step: CommandStep, opts: StepOptions): Promise<RunResult> {
  await mkdir(path.dirname(opts.logFile), { recursive: true })
  const out = createWriteStream(opts.logFile, { flags: 'a' })
  out.write(`\n$ ${commandLine(step)}\n`)
  opts.log(`${step.title}: ${commandLine(step)}`)
  const started = Date.now()
  let last = ''
  const beat = setInterval(
    () =>
      opts.log(
        `  … ${step.title}: ${formatDuration(Date.now() - started)} so far; ${last ? `last output: ${last.slice(0, 160)}` : 'no output yet'}`,
      ),
    opts.heartbeatMs ?? 60_000,
  )
  try {
    const r = await run(step.file, step.args, {
      cwd: step.cwd,
      env: step.env,
      timeoutMs: step.timeoutMs ?? 60 * 60_000,
      onLine: (line) => {
        out.write(line + '\n')
        if (line.trim()) last = line.trim()
      },
    })
    opts.log(`  ✓ ${step.title} (${formatDuration(Date.now() - started)})`)
    return r
  } catch (err) {
    if (err instanceof CommandError)
      throw new Error(
        `${step.title} failed after ${formatDuration(Date.now() - started)} (full log: ${opts.logFile})\n${err.message}`,
      )
    throw err
  } finally {
    clearInterval(beat)
    await new Promise<void>((resolve) => out.end(resolve))
  }
}
