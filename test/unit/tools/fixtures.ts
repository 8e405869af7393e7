// Helpers for the tool resolver's unit tests: temp dirs, fake binaries, release archives in memory.
import { mkdtemp, mkdir, writeFile, chmod } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'

export async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'd7y-tools-test-'))
}

/** A shell script that prints `versionOutput` whatever its arguments. */
export async function fakeBinary(file: string, versionOutput: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `#!/bin/sh\necho '${versionOutput.replace(/'/g, `'\\''`)}'\n`)
  await chmod(file, 0o755)
  return file
}

/** A .tar.gz holding the given files. */
export async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack()
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o755 }, content)
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of pack) chunks.push(chunk as Buffer)
  return gzipSync(Buffer.concat(chunks))
}
