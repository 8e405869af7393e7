// Chapter 6b (guide: "verify", what the container reads): once the P2P pull's evidence is collected,
// a container of the same copy on every worker hashes its whole root filesystem through the lazily
// pulled layers, and every file is held against the content the pushed layers carry.
import { beforeEach, describe, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { rootfsContent } from '../helpers/checks/rootfs-content.ts'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { hashRootfs } from '../helpers/image/rootfs-hash.ts'
import { requires, runState, workers } from '../helpers/run/state.ts'
import { phase } from '../helpers/run/pull-phase.ts'
import { timed } from '../helpers/base/progress.ts'

describe('what the container reads is the image', () => {
  beforeEach(async (ctx) => {
    await labelChapter('evidence')
    requires(ctx, 'p2p-pull')
  })

  test('every regular file reads back with the pushed layers’ content on every worker', async (ctx) => {
    stepOf(ctx, 'rootfs-content')
    const ref = phase('p2p').image.esgzRef
    const hashed = await timed('rootfs content', async (log) => {
      const results = await Promise.all(workers().map((w) => hashRootfs(w, ref)))
      for (const r of results)
        log(`${r.node}: ${r.hashes.digests.size} files hashed in ${(r.durationMs / 1000).toFixed(1)}s`)
      return results
    })
    await judge('rootfs-content', rootfsContent(runState().image?.rootfs ?? {}, hashed, workers().length))
  })
})
