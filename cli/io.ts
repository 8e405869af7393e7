// Output and input helpers shared by the commands.
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseSummary, SummaryFormatError, type SummaryInput } from '../helpers/report/summary-schema.ts'
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

async function statInput(file: string, what: string) {
  try {
    return await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'cannot read')}`)
  }
}

/** Fails with a clear one-liner unless `file` is a readable regular file; returns it unchanged. */
export async function inputFile(file: string, what: string): Promise<string> {
  if (!(await statInput(file, what)).isFile()) throw new CliError(`${what} ${file}: not a regular file`)
  return file
}

/**
 * A run's summary.json, named directly or by the folder that holds it (a downloaded CI artifact, a
 * reports directory); the source is the file read. Anything else is one line naming the input.
 */
export async function readSummary(input: string): Promise<SummaryInput> {
  let file = input
  if ((await statInput(input, 'summary')).isDirectory()) {
    file = path.join(input, 'summary.json')
    const inside = await stat(file).catch(() => undefined)
    if (!inside?.isFile()) throw new CliError(`summary ${input}: a folder without summary.json`)
  }
  const text = await readFile(await inputFile(file, 'summary'), 'utf8')
  try {
    return { source: file, summary: parseSummary(text) }
  } catch (error) {
    if (error instanceof SummaryFormatError) throw new CliError(`summary ${file}: ${error.message}`)
    throw error
  }
}
