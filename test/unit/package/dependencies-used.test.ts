// Every runtime dependency in package.json is imported by the project's own code (or named by one of
// its npm scripts): a dependency nothing uses is installed on every machine and CI run for nothing
// (zx was, until it was found by hand).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

const root = path.join(import.meta.dirname, '../../..')
const SOURCE_DIRS = ['helpers', 'cli', 'suites', 'bin', 'test']
const ROOT_FILES = ['vitest.config.ts', 'eslint.config.js']

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [p] : []
  })
}

/** The package names a text imports or resolves: `'name'` or `'name/sub/path'` in quotes. */
function namesUsed(text: string, names: readonly string[]): Set<string> {
  const used = new Set<string>()
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    if (new RegExp(`['"\`]${escaped}(/[^'"\`]*)?['"\`]`).test(text)) used.add(name)
  }
  return used
}

describe('runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
    scripts: Record<string, string>
  }
  const names = Object.keys(pkg.dependencies)

  test('the matcher tells an import from a name that merely contains it', () => {
    expect([...namesUsed(`import { $ } from 'zx'`, ['zx'])]).toEqual(['zx'])
    expect([...namesUsed(`await import("tsx/esm/api")`, ['tsx'])]).toEqual(['tsx'])
    expect([...namesUsed(`import x from 'zxing'; // zx`, ['zx'])]).toEqual([])
  })

  test('each is imported by the code or run by an npm script', () => {
    // not this file: its own examples name packages
    const files = [
      ...SOURCE_DIRS.flatMap((d) => sources(path.join(root, d))),
      ...ROOT_FILES.map((f) => path.join(root, f)),
    ]
    const used = new Set<string>()
    for (const f of files.filter((f) => f !== import.meta.filename))
      for (const n of namesUsed(readFileSync(f, 'utf8'), names)) used.add(n)
    const scripts = Object.values(pkg.scripts).join('\n')
    for (const n of names) if (new RegExp(`(^|[\\s=;&|])${n}\\s`, 'm').test(scripts)) used.add(n)
    expect(names.filter((n) => !used.has(n))).toEqual([])
  })
})
