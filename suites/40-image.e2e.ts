// Chapter 4 (guide: "convert an image to eStargz and push it"): build the test image from Debian
// packages, convert it with nerdctl, push both forms, and validate every pushed layer independently.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, test } from 'vitest'
import { stepOf } from '../helpers/checks/step.ts'
import { judge } from '../helpers/checks/verdict.ts'
import { expectationsFromManifest, verifyEstargz, type EstargzVerdict } from '../helpers/estargz/index.ts'
import { ensureTestImage } from '../helpers/image/test-image.ts'
import { publishTestImage, registryRefs } from '../helpers/image/publish.ts'
import { downloadBlob, fetchManifest, parseRef } from '../helpers/image/registry-client.ts'
import { timed } from '../helpers/progress.ts'
import { controlPlane, runConfig, runState, updateState, requires } from '../helpers/run-context.ts'
import { labelChapter } from '../helpers/allure-labels.ts'

/** Where the lazy pull's own reads fall in a layer (TOC and landmark), for the back-to-source check. */
function geometryOf(v: EstargzVerdict | undefined): { tocOffset?: number; landmarkOffset?: number } {
  if (!v?.valid) return {}
  return {
    tocOffset: v.tocOffset,
    ...(v.landmarkOffset !== undefined ? { landmarkOffset: v.landmarkOffset } : {}),
  }
}

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
      const local = await ensureTestImage(config.image, path.join(config.cacheDir, 'rootfs'), log)
      await publishTestImage(controlPlane(), local, config.image, refs, registry.localUrl, log)
    })
    const { name, tag } = parseRef(refs.esgzRef)
    const manifest = await fetchManifest(registry.localUrl, name, tag)
    const dir = await mkdtemp(path.join(os.tmpdir(), 'd7y-layers-'))
    const layers: { digest: string; size: number; verdict: EstargzVerdict }[] = []
    try {
      for (const layer of manifest.layers) {
        const file = path.join(dir, layer.digest.replace(':', '_'))
        await downloadBlob(registry.localUrl, name, layer.digest, file)
        let verdict: EstargzVerdict
        try {
          verdict = await verifyEstargz(file, expectationsFromManifest(manifest, layer.digest))
        } catch (err) {
          verdict = { valid: false as const, notEstargz: false, reason: (err as Error).message }
        }
        layers.push({ digest: layer.digest, size: layer.size, verdict })
        await rm(file, { force: true })
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    updateState((s) => {
      s.image = {
        ...refs,
        configDigest: manifest.config.digest,
        manifest,
        layers: manifest.layers.map((l) => ({
          digest: l.digest,
          size: l.size,
          mediaType: l.mediaType,
          annotations: l.annotations ?? {},
          ...geometryOf(layers.find((x) => x.digest === l.digest)?.verdict),
        })),
      }
    })
    const bad = layers.filter((l) => !l.verdict.valid)
    await judge('estargz-valid', {
      passed: layers.length > 0 && bad.length === 0,
      diagnosis: bad.length
        ? `invalid layers in ${refs.esgzRef}: ${bad.map((b) => `${b.digest.slice(0, 19)}: ${'reason' in b.verdict ? b.verdict.reason : ''}`).join('; ')}`
        : `${layers.length} eStargz layer(s) valid: ${layers.map((l) => `${l.digest.slice(0, 19)} (${(l.size / 2 ** 20).toFixed(1)} MiB, ${'entries' in l.verdict ? l.verdict.entries : 0} TOC entries)`).join(', ')}`,
      evidence: { ref: refs.esgzRef, manifest, layers },
    })
  })
})
