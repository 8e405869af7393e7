// The container images the kind profile needs, all derived from the pinned table (helpers/versions.ts)
// and the Helm values, so what is pulled and `kind load`ed is exactly what the chart will run.
import type { Config } from '../config.ts'
import { helmValues, imageRef, type ChartImage } from '../render/index.ts'
import { INIT_CONTAINER_IMAGE } from './workload-images.ts'

/** Overrides the kind node image (any ref kind accepts, a digest recommended). */
export const KIND_NODE_IMAGE_ENV = 'D7Y_KIND_NODE_IMAGE'

const IMAGE_REF = /^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/

/** The kind node image: the pinned `kindest/node:<tag>@<digest>`, or the override. */
export function kindNodeImage(
  config: Pick<Config, 'versions'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env[KIND_NODE_IMAGE_ENV]?.trim()
  if (!override) return imageRef(config.versions.images.kindNode)
  if (!IMAGE_REF.test(override))
    throw new Error(`${KIND_NODE_IMAGE_ENV}=${JSON.stringify(override)} is not an image reference`)
  return override
}

/** Every Dragonfly image the values deploy (manager, scheduler, client; seed-client shares the client's). */
export function dragonflyImages(config: Config): string[] {
  const v = helmValues(config)
  const images: ChartImage[] = [v.manager.image, v.scheduler.image, v.seedClient.image, v.client.image]
  const enabled = [v.manager.enable, v.scheduler.enable, v.seedClient.enable, v.client.enable]
  const refs = images.filter((_, i) => enabled[i]).map((i) => `${i.repository}:${i.tag}`)
  return [...new Set(refs)]
}

/** Every image the chart's pods run: Dragonfly's and the init containers' busybox. */
export function workloadImageRefs(config: Config): string[] {
  return [...new Set([...dragonflyImages(config), INIT_CONTAINER_IMAGE])]
}

/**
 * The origin registry image: pulled by digest (the pin), then tagged with its tag so testcontainers
 * gets a plain `name:tag` reference that is known to point at the pinned content.
 */
export function registryImagePin(config: Pick<Config, 'versions'>): { pull: string; ref: string } {
  const pin = config.versions.images.registry
  const ref = `${pin.repository}:${pin.tag}`
  return { pull: pin.digest ? `${pin.repository}@${pin.digest}` : ref, ref }
}

/**
 * The reference `docker image inspect` finds after a pull of `ref`: a pull by `name:tag@digest`
 * records `name@digest` only, so the tag is dropped when a digest is present.
 */
export function localImageRef(ref: string): string {
  const m = /^(.+?)(?::[\w][\w.-]*)?@(sha256:[a-f0-9]{64})$/.exec(ref)
  return m ? `${m[1]}@${m[2]}` : ref
}
