// Output and input helpers shared by the commands.
import { stat } from 'node:fs/promises'
import { CliError } from './errors.ts'

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

/** A verdict's reason, for the user watching the terminal (stdout carries the JSON). */
export function printReason(reason: string): void {
  process.stderr.write(`${reason.replace(/\s*\n\s*/g, ' ')}\n`)
}

/** Fails with a clear one-liner unless `path` is a readable regular file; returns it unchanged. */
export async function inputFile(path: string, what: string): Promise<string> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'cannot read')}`)
  }
  if (!info.isFile()) throw new CliError(`${what} ${path}: not a regular file`)
  return path
}
