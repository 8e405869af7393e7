// A test that throws before judge() leaves its check unrecorded, and the summary would call it "not run:
// an earlier chapter did not complete", hiding the error. Every suite test that judges a check must
// therefore declare itself that check's step (stepOf), so a throw becomes the check's failed verdict.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

const suites = path.join(import.meta.dirname, '../../../suites')

/** Each `test(...)` body of a suite file, by its title. */
function testBodies(source: string): { title: string; body: string }[] {
  const starts = [...source.matchAll(/\n\s*test\((['"`])(.*?)\1/g)]
  return starts.map((m, i) => ({
    title: m[2]!,
    body: source.slice(m.index, starts[i + 1]?.index ?? source.length),
  }))
}

describe('every judged check has its step declared', () => {
  const files = readdirSync(suites).filter((f) => f.endsWith('.e2e.ts'))
  test.each(files)('%s', (file) => {
    const missing: string[] = []
    for (const t of testBodies(readFileSync(path.join(suites, file), 'utf8'))) {
      const judged = [...t.body.matchAll(/\bjudge\(\s*'([a-z-]+)'/g)].map((m) => m[1]!)
      const declared = new Set([...t.body.matchAll(/\bstepOf\(\s*ctx,\s*'([a-z-]+)'/g)].map((m) => m[1]!))
      for (const id of judged) if (!declared.has(id)) missing.push(`${t.title}: ${id}`)
    }
    expect(missing).toEqual([])
  })
})
