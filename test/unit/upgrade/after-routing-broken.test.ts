// An upgrade whose AFTER side broke routing, for real: the first local upgrade run (2026-12-05,
// stargz v0.18.2 → v0.19.1, dfdaemon and scheduler restarted) judged its fresh pull with the
// snapshotter still on the negative control's direct config, so the layers came straight from the
// origin (fixtures/upgrade/config-left-direct). compare must be red and name the cause.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { compareMarkdown } from '../../../helpers/report/compare-markdown.ts'
import { compareSummaries, verdictLine } from '../../../helpers/report/compare.ts'
import { parseSummary } from '../../../helpers/report/summary-schema.ts'

const dir = fileURLToPath(new URL('../../../fixtures/upgrade/config-left-direct/', import.meta.url))
const read = (name: string) => ({ source: name, summary: parseSummary(readFileSync(dir + name, 'utf8')) })

describe('compare on an upgrade whose AFTER side went around dfdaemon', () => {
  const c = compareSummaries(read('before-summary.json'), read('after-summary.json'))

  test('red: the routing checks regressed, the others held', () => {
    expect(c.verdict.passed).toBe(false)
    expect(c.verdict.regressedChecks).toEqual(['via-dfdaemon', 'task-succeeded', 'single-back-to-source'])
    expect(verdictLine(c)).toMatch(
      /3 checks not passed in AFTER \(regressed: via-dfdaemon, task-succeeded, single-back-to-source\)/,
    )
  })

  test('the cause is named in the comparison: the mirror bypassed, the snapshotter config to check', () => {
    const md = compareMarkdown(c)
    expect(md).toMatch(
      /mirror bypassed on d7y-stargz-worker: dfdaemon saw no task .* while the origin sent 172\.21\.0\.3 70\.9 MiB of it \(check the snapshotter's mirror host\/header in \/etc\/containerd-stargz-grpc\/config\.toml\)/,
    )
    expect(md).toMatch(
      /\| stargz \| v0\.18\.2 \(ran v0\.18\.2\) \| v0\.19\.1 \(ran v0\.19\.1\) \| \*\*changed\*\* \|/,
    )
  })
})
