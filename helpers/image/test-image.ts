// Test images: one large layer (the whole rootfs, well above 16 MiB, the size below which recent
// Dragonfly clients fetch blobs straight from the source on every node) with the packages that give
// the image its version command. Built on a published Debian image where one is present or can be
// pulled (a user's machine: no root, no debootstrap), else from Debian packages by debootstrap (this
// project's offline gate); the output says which.
import type { Config, TestImage } from '../run/config.ts'
import { imageExists, presentOrPulled } from '../profiles/docker.ts'
import { debian, ensureRootfsImage, recipeTag, type RootfsRecipe } from '../local/rootfs-image.ts'
import { imageRef } from '../render/kind-config.ts'
import { buildOnBase, type OnBaseRecipe } from './on-base.ts'

const BASE_PULL_MS = 5 * 60_000
const repositoryOf = (image: TestImage) => `d7y-conformance/${image.name.replace(/[^a-z0-9]+/g, '-')}`
const cmdOf = (image: TestImage) => `CMD ${JSON.stringify(image.command)}`

export function testImageRecipe(image: TestImage): RootfsRecipe {
  return {
    repository: repositoryOf(image),
    ...debian(),
    packages: image.packages,
    changes: [cmdOf(image)],
  }
}

export function testImageOnBaseRecipe(image: TestImage, base: string): OnBaseRecipe {
  return { repository: repositoryOf(image), base, packages: image.packages, changes: [cmdOf(image)] }
}

/** The published base: D7Y_TEST_IMAGE_BASE, else the pinned debian:bookworm-slim by digest. */
export function testImageBase(config: Pick<Config, 'versions' | 'testImageBase'>): string {
  return config.testImageBase ?? imageRef(config.versions.images.testImageBase)
}

/** An earlier build of the image (on the base or by debootstrap), when there is one. */
async function cachedTestImage(image: TestImage, config: Pick<Config, 'versions' | 'testImageBase'>) {
  for (const recipe of [testImageOnBaseRecipe(image, testImageBase(config)), testImageRecipe(image)]) {
    const ref = recipeTag(recipe)
    if (await imageExists(ref)) return ref
  }
  return undefined
}

/** For preflight: whether the image needs no debootstrap (built before, or its base at hand). */
export async function testImageWithoutDebootstrap(
  image: TestImage,
  config: Pick<Config, 'versions' | 'testImageBase'>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (await cachedTestImage(image, config)) return { ok: true }
  const base = testImageBase(config)
  const got = await presentOrPulled(base, BASE_PULL_MS)
  return got.ok ? got : { ok: false, reason: `${base}: ${got.reason}` }
}

/** The image in the local Docker engine: an earlier build when there is one, else built as above. */
export async function ensureTestImage(
  image: TestImage,
  config: Pick<Config, 'versions' | 'testImageBase'>,
  workDir: string,
  log: (l: string) => void,
): Promise<string> {
  const cached = await cachedTestImage(image, config)
  if (cached) {
    log(`reusing cached test image ${cached}`)
    return cached
  }
  const onBase = testImageOnBaseRecipe(image, testImageBase(config))
  const debootstrapped = testImageRecipe(image)
  const base = await presentOrPulled(onBase.base, BASE_PULL_MS)
  if (base.ok) {
    const { ref } = await buildOnBase(onBase, workDir, log)
    log(`built test image ${ref} on the published base ${onBase.base} (apt-get, flattened to one layer)`)
    return ref
  }
  log(
    `no published base image (${onBase.base}: ${base.reason}): building from Debian packages with debootstrap`,
  )
  const { ref } = await ensureRootfsImage(debootstrapped, workDir, log)
  log(`built test image ${ref} with debootstrap`)
  return ref
}
