// Every layer of an image as the origin serves it, validated as eStargz against its manifest's
// annotations by this project's own validator: the `estargz-valid` verdict, and each layer's geometry
// (TOC and landmark offsets) for the back-to-source check.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Verdict } from '../checks/verdict.ts'
import {
  expectationsFromManifest,
  rootfsFiles,
  verifyEstargz,
  type EstargzVerdict,
} from '../estargz/index.ts'
import type { LayerInfo } from '../run/state.ts'
import { downloadBlob, fetchManifest, parseRef, type ImageManifest } from './registry-client.ts'

export interface ValidatedImage {
  manifest: ImageManifest
  layers: LayerInfo[]
  verdict: Verdict
  /** the root filesystem the layers make: path → content digest (empty when a layer was invalid) */
  rootfs: Record<string, string>
}

/** Where the lazy pull's own reads fall in a layer (TOC and landmark), for the back-to-source check. */
function geometryOf(v: EstargzVerdict | undefined): { tocOffset?: number; landmarkOffset?: number } {
  if (!v?.valid) return {}
  return {
    tocOffset: v.tocOffset,
    ...(v.landmarkOffset !== undefined ? { landmarkOffset: v.landmarkOffset } : {}),
  }
}

export async function validateImageLayers(registryUrl: string, ref: string): Promise<ValidatedImage> {
  const { name, tag } = parseRef(ref)
  const manifest = await fetchManifest(registryUrl, name, tag)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'd7y-layers-'))
  const checked: { digest: string; size: number; verdict: EstargzVerdict }[] = []
  try {
    for (const layer of manifest.layers) {
      const file = path.join(dir, layer.digest.replace(':', '_'))
      await downloadBlob(registryUrl, name, layer.digest, file)
      let verdict: EstargzVerdict
      try {
        verdict = await verifyEstargz(file, expectationsFromManifest(manifest, layer.digest), {
          listFiles: true,
        })
      } catch (err) {
        verdict = { valid: false as const, notEstargz: false, reason: (err as Error).message }
      }
      checked.push({ digest: layer.digest, size: layer.size, verdict })
      await rm(file, { force: true })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const layers = manifest.layers.map((l) => ({
    digest: l.digest,
    size: l.size,
    mediaType: l.mediaType,
    annotations: l.annotations ?? {},
    ...geometryOf(checked.find((x) => x.digest === l.digest)?.verdict),
  }))
  const bad = checked.filter((l) => !l.verdict.valid)
  const listings = checked.flatMap((l) => (l.verdict.valid && l.verdict.listing ? [l.verdict.listing] : []))
  const rootfs =
    bad.length === 0 && listings.length === checked.length
      ? Object.fromEntries([...rootfsFiles(listings)].map(([p, f]) => [p, f.digest]))
      : {}
  // The listings (every file) stay out of the verdict's evidence: the rootfs map carries them.
  const evidenceLayers = checked.map((l) => ({ ...l, verdict: withoutListing(l.verdict) }))
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
  return {
    manifest,
    layers,
    rootfs,
    verdict: {
      passed: checked.length > 0 && bad.length === 0,
      diagnosis: bad.length
        ? `invalid layers in ${ref}: ${bad.map((b) => `${b.digest.slice(0, 19)}: ${'reason' in b.verdict ? b.verdict.reason : ''}`).join('; ')}`
        : `${checked.length} eStargz layer(s) valid: ${checked.map((l) => `${l.digest.slice(0, 19)} (${mib(l.size)}, ${'entries' in l.verdict ? l.verdict.entries : 0} TOC entries)`).join(', ')}`,
      evidence: { ref, manifest, layers: evidenceLayers },
    },
  }
}

function withoutListing(v: EstargzVerdict): EstargzVerdict {
  if (!v.valid || !v.listing) return v
  const rest = { ...v }
  delete rest.listing
  return rest
}
