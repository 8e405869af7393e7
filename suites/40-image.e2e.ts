// Chapter 4 (guide: "convert an image to eStargz and push it"): build the test image from Debian
// packages, convert it with nerdctl, push both forms, and validate every pushed layer independently.
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { registryRefs } from '../helpers/image/publish.ts'
import { validateImageLayers } from '../helpers/image/validate-layers.ts'
import { timed } from '../helpers/base/progress.ts'
import { controlPlane, runConfig, runState, updateState, requires } from '../helpers/run/state.ts'
import { labelChapter } from '../helpers/report/allure-labels.ts'

describe('test image', () => {
  beforeEach(async (ctx) => {
    await labelChapter('image')
    requires(ctx, 'nodes', 'registry')
  })

  test('built, converted to eStargz, pushed, and every layer valid', async (ctx) => {
    stepOf(ctx, 'estargz-valid')
    const config = runConfig()
    const registry = runState().registry!
    const refs = registryRefs(registry.host, config.image)
    await timed('image', async (log) => {
      const profile = await profileFor(config)
      await profile.publishImage(config.image, refs, controlPlane(), registry.localUrl, log)
    })
    const { manifest, layers, verdict, rootfs } = await validateImageLayers(registry.localUrl, refs.esgzRef)
    updateState((s) => {
      s.image = { ...refs, configDigest: manifest.config.digest, manifest, layers, rootfs }
    })
    await judge('estargz-valid', verdict)
  })
})
