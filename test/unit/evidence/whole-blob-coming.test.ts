// Whether dfdaemon will ever fetch the whole blob, read from its own log: the evidence chapter stops
// waiting for whole-blob tasks when every request for the layer was proxied with `prefetch: false`.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { noWholeBlobComing } from '../../../helpers/run/pull-phase.ts'

const log = readFileSync(
  path.join(import.meta.dirname, '../../../fixtures/logs/p2p-local/dfdaemon-worker.log'),
  'utf8',
)
const task = '191cf48bb5cba0efad4b48d34986ffa20254dab31b749f05d43b8c7559310320'

describe('no whole-blob task coming', () => {
  test('with proxy.prefetch on (the real capture), a whole-blob task is coming', async () => {
    const t = (await summarizeDfdaemonLog(log)).tasks[task]!
    expect(t.started).toBeGreaterThan(1)
    expect(noWholeBlobComing(t)).toBe(false)
  })

  test('with every request proxied as `prefetch: false` and no prefetch task, none is coming', async () => {
    // The same capture as dfdaemon logs it with proxy.prefetch off: its requests say prefetch: false,
    // and the background prefetch's own records never appear.
    const off = log
      .split('\n')
      .filter((l) => !/:prefetch[:\s]/.test(l) && !l.includes('is_prefetch: true'))
      .join('\n')
      .replaceAll('prefetch: true, is_prefetch: false', 'prefetch: false, is_prefetch: false')
    const t = (await summarizeDfdaemonLog(off)).tasks[task]!
    expect(t.started).toBeGreaterThan(1)
    expect(noWholeBlobComing(t)).toBe(true)
  })
})
