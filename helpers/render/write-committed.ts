// Regenerates the committed rendered files (see committed.ts). Usage: npm run render:write
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { REPO_ROOT, renderCommitted } from './committed.ts'

async function main(): Promise<void> {
  for (const { path: rel, text } of renderCommitted()) {
    const file = path.join(REPO_ROOT, rel)
    const before = await readFile(file, 'utf8').catch(() => undefined)
    if (before === text) {
      console.log(`unchanged ${rel}`)
      continue
    }
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
    console.log(`${before === undefined ? 'created' : 'updated'} ${rel}`)
  }
}

await main()
