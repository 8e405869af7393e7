// The container images the kind profile needs, all derived from the pinned table (helpers/base/versions.ts)
// and the Helm values, so what is pulled and `kind load`ed is exactly what the chart will run.
import type { Config } from '../run/config.ts'
import { helmValues, imageRef, type ChartImage } from '../render/index.ts'

/** The kind node image: the pinned `kindest/node:<tag>@<digest>`, or D7Y_KIND_NODE_IMAGE. */
export function kindNodeImage(config: Pick<Config, 'versions' | 'kindNodeImage'>): string {
  return config.kindNodeImage ?? imageRef(config.versions.images.kindNode)
}

/** Every Dragonfly image the values deploy (manager, scheduler, client; seed-client shares the client's). */
export function dragonflyImages(config: Config): string[] {
  const v = helmValues(config)
  const images: ChartImage[] = [v.manager.image, v.scheduler.image, v.seedClient.image, v.client.image]
  const enabled = [v.manager.enable, v.scheduler.enable, v.seedClient.enable, v.client.enable]
  const refs = images.filter((_, i) => enabled[i]).map((i) => `${i.repository}:${i.tag}`)
  return [...new Set(refs)]
}

/** Every image the chart's pods run: Dragonfly's and the init containers'. */
export function workloadImageRefs(config: Config): string[] {
  return [...new Set([...dragonflyImages(config), initContainerImagePin(config).ref])]
}

/** An image to pull (by digest where pinned) and the plain `name:tag` it is tagged with afterwards. */
export interface ImagePull {
  pull: string
  ref: string
}

/** A pin pulled by digest, then known under `name:tag`; an override is taken as given. */
function pinned(pin: { repository: string; tag: string; digest?: string }, override?: string): ImagePull {
  if (override) return { pull: override, ref: override }
  const ref = `${pin.repository}:${pin.tag}`
  return { pull: pin.digest ? `${pin.repository}@${pin.digest}` : ref, ref }
}

/**
 * The origin registry image: pulled by digest (the pin), then tagged with its tag so testcontainers
 * gets a plain `name:tag` reference that is known to point at the pinned content; or D7Y_REGISTRY_IMAGE.
 */
export function registryImagePin(config: Pick<Config, 'versions' | 'registryImage'>): ImagePull {
  return pinned(config.versions.images.registry, config.registryImage)
}

/**
 * The chart's init-container image (the chart's default is an unpinned busybox:latest): the pinned
 * busybox pulled by digest and named by its tag, which the values name; or D7Y_INIT_CONTAINER_IMAGE.
 */
export function initContainerImagePin(config: Pick<Config, 'versions' | 'initContainerImage'>): ImagePull {
  return pinned(config.versions.images.initContainer, config.initContainerImage)
}

/**
 * The reference `docker image inspect` finds after a pull of `ref`: a pull by `name:tag@digest`
 * records `name@digest` only, so the tag is dropped when a digest is present.
 */
export function localImageRef(ref: string): string {
  const m = /^(.+?)(?::[\w][\w.-]*)?@(sha256:[a-f0-9]{64})$/.exec(ref)
  return m ? `${m[1]}@${m[2]}` : ref
}
