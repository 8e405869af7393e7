// Finds an executable on PATH the way `command -v` does. A leaf (Node's own modules only), so
// prerequisites.ts, which the tool catalog imports, can ask for a command without importing
// on-path.ts, which needs the catalog's types.
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

/** The first executable regular file called `name` in the PATH directories, like `command -v`. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}
