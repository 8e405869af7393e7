// CLI: the kind diagnostics bundle, for CI's failure step and for people with a kept cluster.
//   npx tsx helpers/kind/diagnostics-cli.ts [dir]      (default: <reports>/diagnostics)
// Exits 0 even when items could not be collected: they are listed in <dir>/index.json.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfig } from '../run/config.ts'
import { collectKindDiagnostics } from './diagnostics.ts'
import { diagnosticsDir } from './layout.ts'

async function main(argv: string[]): Promise<number> {
  const config = loadConfig()
  const dir = argv[2] ?? diagnosticsDir(config)
  const result = await collectKindDiagnostics(dir, config)
  console.log(`diagnostics: ${result.files.length} files in ${path.resolve(dir)}`)
  for (const e of result.errors) console.log(`  not collected: ${e.item}: ${e.error}`)
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err)
      process.exit(1)
    },
  )
}
