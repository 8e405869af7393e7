// What a verified manifest promises about one eStargz layer: its digest and size, and the two
// annotations the snapshotter trusts (TOC digest, uncompressed size). Feeds verifyEstargz's `expect`.
import { z } from 'zod'
import { TOC_DIGEST_ANNOTATION, UNCOMPRESSED_SIZE_ANNOTATION } from './format.ts'

export interface LayerExpectations {
  digest: string
  /** the descriptor's size: the blob's length in bytes */
  size: number
  tocDigest: string
  uncompressedSize: number
}

export class ManifestError extends Error {
  override name = 'ManifestError'
}

const descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
})
const imageManifest = z.object({ layers: z.array(descriptor) })

/**
 * @param manifest an OCI (or Docker v2) image manifest, as JSON text or already parsed
 * @param digest the layer blob's digest, "sha256:<hex>"
 */
export function expectationsFromManifest(manifest: unknown, digest: string): LayerExpectations {
  const value =
    typeof manifest === 'string' || Buffer.isBuffer(manifest) ? parseJson(manifest.toString()) : manifest
  if (typeof value === 'object' && value !== null && 'manifests' in value && !('layers' in value)) {
    throw new ManifestError('this is an image index, not an image manifest: pick the platform manifest first')
  }
  const parsed = imageManifest.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ManifestError(`not an image manifest: ${issue?.path.join('.') || 'the top'}: ${issue?.message}`)
  }
  const layers = parsed.data.layers
  const layer = layers.find((l) => l.digest === digest)
  if (!layer) {
    throw new ManifestError(
      `layer ${digest} is not in the manifest; its layers are ${layers.map((l) => l.digest).join(', ') || 'none'}`,
    )
  }
  const annotations = layer.annotations ?? {}
  const missing = [TOC_DIGEST_ANNOTATION, UNCOMPRESSED_SIZE_ANNOTATION].filter(
    (key) => annotations[key] === undefined,
  )
  if (missing.length > 0) {
    const present = Object.keys(annotations)
    throw new ManifestError(
      `layer ${digest} lacks the eStargz annotation${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} ` +
        `(it has ${present.length ? present.join(', ') : 'no annotations'}); was the image converted with --oci?`,
    )
  }
  const tocDigest = annotations[TOC_DIGEST_ANNOTATION] ?? ''
  if (!/^sha256:[0-9a-f]{64}$/.test(tocDigest)) {
    throw new ManifestError(
      `layer ${digest}: ${TOC_DIGEST_ANNOTATION} is ${JSON.stringify(tocDigest)}, not a sha256 digest`,
    )
  }
  const sizeText = annotations[UNCOMPRESSED_SIZE_ANNOTATION] ?? ''
  const uncompressedSize = Number(sizeText)
  if (!/^\d+$/.test(sizeText) || !Number.isSafeInteger(uncompressedSize)) {
    throw new ManifestError(
      `layer ${digest}: ${UNCOMPRESSED_SIZE_ANNOTATION} is ${JSON.stringify(sizeText)}, not a byte count`,
    )
  }
  return { digest: layer.digest, size: layer.size, tocDigest, uncompressedSize }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ManifestError(`the manifest is not JSON: ${(error as Error).message}`)
  }
}
