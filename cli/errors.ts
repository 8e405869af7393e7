// Exit codes and the one error type commands throw. main.ts turns any error into one stderr line.
import { ConfigError } from '../helpers/run/config.ts'

export const EXIT = {
  ok: 0,
  /** a verdict was negative: invalid layer, missing task */
  negative: 1,
  /** bad invocation or input: unknown option or artifact, unreadable file, invalid D7Y_* setting */
  usage: 2,
  /** a bug or an unexpected failure */
  internal: 3,
} as const

export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message)
  }
}

/** The exit code and single line for any error a command threw. */
export function describeError(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: oneLine(error.message) }
  if (error instanceof ConfigError) return { exitCode: EXIT.usage, message: oneLine(error.message) }
  const errno = error as NodeJS.ErrnoException
  if (error instanceof Error && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    // fs errors: "ENOENT: no such file or directory, open 'x'" is already one readable line.
    return { exitCode: EXIT.usage, message: oneLine(error.message) }
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return { exitCode: EXIT.internal, message: oneLine(message) }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
