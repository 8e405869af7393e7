// The guide's image steps. The locally built image is pushed by the Docker engine (which gzips
// its layers, as any OCIv1 image in a registry is), then the builder node (the control-plane)
// converts it with nerdctl to eStargz and pushes that beside it.
import path from 'node:path'
import type { Config, TestImage } from '../run/config.ts'
import { run } from '../base/exec.ts'
import { recipeTag } from '../local/rootfs-image.ts'
import { commandOf, ensureRootfsLayer, pushLayerImage } from './layer-image.ts'
import { parseRef } from './registry-client.ts'
import { ensureTestImage, testImageRecipe } from './test-image.ts'
import type { Node } from '../profiles/node.ts'
import { convertToEstargz, nerdctl, push } from './nerdctl.ts'

export interface PublishedImage {
  plainRef: string
  esgzRef: string
}

export function registryRefs(registryHost: string, image: TestImage): PublishedImage {
  const base = `${registryHost}/${image.name}`
  return { plainRef: `${base}:${image.tag}`, esgzRef: `${base}:${image.tag}-esgz` }
}

/** The same repository as seen from this machine through the registry's published loopback port. */
export function hostRef(localUrl: string, image: TestImage): string {
  return `${new URL(localUrl).host}/${image.name}:${image.tag}`
}

export async function publishTestImage(
  builder: Node,
  localImage: string,
  image: TestImage,
  refs: PublishedImage,
  registryLocalUrl: string,
  log: (l: string) => void,
): Promise<void> {
  // Docker treats registries on 127.0.0.0/8 as insecure by default: plain HTTP is fine here.
  const viaLoopback = hostRef(registryLocalUrl, image)
  log(`docker push ${viaLoopback} (= ${refs.plainRef})`)
  await run('docker', ['tag', localImage, viaLoopback])
  try {
    await run('docker', ['push', viaLoopback], { timeoutMs: 15 * 60_000 })
  } finally {
    await run('docker', ['rmi', viaLoopback], { allowFailure: true })
  }
  await convertOnBuilder(builder, refs, log)
}

/** The builder node pulls the plain image, converts it with nerdctl and pushes the eStargz form beside it. */
export async function convertOnBuilder(
  builder: Node,
  refs: PublishedImage,
  log: (l: string) => void,
): Promise<void> {
  log(`convert to eStargz and push ${refs.esgzRef}`)
  await nerdctl(builder, ['pull', '--quiet', refs.plainRef])
  await convertToEstargz(builder, refs.plainRef, refs.esgzRef)
  await push(builder, refs.esgzRef)
}

/** Local and kind: the image built in the local Docker engine (test-image.ts), pushed by it, converted. */
export async function publishBuiltImage(
  config: Pick<Config, 'versions' | 'testImageBase' | 'cacheDir'>,
  image: TestImage,
  refs: PublishedImage,
  builder: Node,
  registryLocalUrl: string,
  log: (l: string) => void,
): Promise<void> {
  const local = await ensureTestImage(image, config, path.join(config.cacheDir, 'rootfs'), log)
  await publishTestImage(builder, local, image, refs, registryLocalUrl, log)
}

/** Without a container engine (cluster): the debootstrapped layer pushed over HTTP, converted. */
export async function publishLayerImage(
  config: Pick<Config, 'cacheDir'>,
  image: TestImage,
  refs: PublishedImage,
  builder: Node,
  registryLocalUrl: string,
  log: (l: string) => void,
): Promise<void> {
  const recipe = testImageRecipe(image)
  const layer = await ensureRootfsLayer(recipe, config.cacheDir, log)
  log(`${layer.built ? 'built' : 'reusing cached'} layer ${layer.digest} (${recipeTag(recipe)}, debootstrap)`)
  const { name, tag } = parseRef(refs.plainRef)
  log(`push ${refs.plainRef} through ${registryLocalUrl} (registry HTTP API, no container engine)`)
  await pushLayerImage(registryLocalUrl, name, tag, layer, commandOf(recipe))
  await convertOnBuilder(builder, refs, log)
}
