// The evidence wait stops early on a bypassed pull: the origin's log shows a node got a large layer's
// bytes directly while its dfdaemon has seen no request for that layer, so no task will ever finish.
// On a real bypassed pull (fixtures/logs/control-bypassed: the negative control of run rmxa0vjk4, both
// workers reading the 66.5 MiB layer straight from the origin while their dfdaemons logged nothing of
// it) and on a real P2P pull (fixtures/logs/p2p-local), whose workers also got bytes from the origin
// directly (dfdaemon's small-range reads), through tasks their dfdaemons logged.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { mirrorBypassed } from '../../../helpers/checks/mirror-bypassed.ts'
import { summarizeDfdaemonLog } from '../../../helpers/evidence/dfdaemon-log.ts'
import { accountOrigin, parseManifest } from '../../../helpers/evidence/origin-accounting.ts'
import { registryRequests } from '../../../helpers/evidence/registry-log.ts'

const logs = path.join(import.meta.dirname, '../../../fixtures/logs')
const text = (dir: string, f: string) => {
  const raw = readFileSync(path.join(logs, dir, f))
  return f.endsWith('.gz') ? gunzipSync(raw).toString() : raw.toString('utf8')
}

async function capture(dir: string, ext: string, ips: [string, string]) {
  const manifest = parseManifest(text(dir, 'manifest.json'))
  const l = manifest.layers[0]!
  const layer = { digest: l.digest, size: l.size, taskId: l.digest.slice(7) }
  const origin = await accountOrigin(registryRequests(text(dir, `registry.log${ext}`)), manifest)
  const workers = await Promise.all(
    (['worker', 'worker2'] as const).map(async (w, i) => ({
      name: `d7y-stargz-${w}`,
      ip: ips[i]!,
      dfdaemon: await summarizeDfdaemonLog(text(dir, `dfdaemon-${w}.log${ext}`), {
        taskIds: [layer.taskId],
      }),
    })),
  )
  return { layer, origin, workers }
}

describe('a pull whose mirror is bypassed stops the wait early, saying why', () => {
  test('the real bypassed pull: both workers got the layer from the origin, their dfdaemons saw nothing', async () => {
    const { layer, origin, workers } = await capture('control-bypassed', '.gz', ['172.18.0.3', '172.18.0.4'])
    expect(workers.every((w) => Object.keys(w.dfdaemon.tasks).length === 0)).toBe(true)
    expect(mirrorBypassed(workers, [layer], origin)).toBe(
      'the origin sent d7y-stargz-worker 74288207 bytes of sha256:db0a45adabf7 directly and its dfdaemon has seen no request for it; ' +
        'the origin sent d7y-stargz-worker2 74388207 bytes of sha256:db0a45adabf7 directly and its dfdaemon has seen no request for it',
    )
  })

  test("the real P2P pull: bytes from the origin through the workers' own tasks are no bypass (keep waiting)", async () => {
    const { layer, origin, workers } = await capture('p2p-local', '', ['172.24.0.3', '172.24.0.4'])
    expect(origin.rows.find((r) => r.digest === layer.digest)!.byClient['172.24.0.4']!.contentBytes).toBe(
      6_774_359,
    )
    expect(mirrorBypassed(workers, [layer], origin)).toBeUndefined()
  })

  test("the same P2P pull with worker2's dfdaemon blind to the layer names worker2 alone", async () => {
    const { layer, origin, workers } = await capture('p2p-local', '', ['172.24.0.3', '172.24.0.4'])
    const blind = workers.map((w) =>
      w.name.endsWith('2') ? { ...w, dfdaemon: { ...w.dfdaemon, tasks: {} } } : w,
    )
    expect(mirrorBypassed(blind, [layer], origin)).toBe(
      'the origin sent d7y-stargz-worker2 6774359 bytes of sha256:191cf48bb5cb directly and its dfdaemon has seen no request for it',
    )
  })

  test("without the origin's log there is nothing to stop on", async () => {
    const { layer, workers } = await capture('control-bypassed', '.gz', ['172.18.0.3', '172.18.0.4'])
    expect(mirrorBypassed(workers, [layer], undefined)).toBeUndefined()
  })
})
