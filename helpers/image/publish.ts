// The guide's image steps, done in the builder node (the control-plane) with nerdctl: load the
// locally built image, push it as-is (OCIv1, for the benchmark), convert it to eStargz and push.
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import type { TestImage } from '../config.ts'
import { run } from '../exec.ts'
import { copyTo, exec, type Node } from '../node.ts'
import { convertToEstargz, loadImage, push, tagAndPush } from './nerdctl.ts'

// Not /tmp: node containers mount a tmpfs there, which `docker cp` cannot write into.
const IMAGE_ARCHIVE = '/var/tmp/image.tar'

export interface PublishedImage {
  plainRef: string
  esgzRef: string
}

export function registryRefs(registryHost: string, image: TestImage): PublishedImage {
  const base = `${registryHost}/${image.name}`
  return { plainRef: `${base}:${image.tag}`, esgzRef: `${base}:${image.tag}-esgz` }
}

export async function publishTestImage(
  builder: Node,
  localImage: string,
  refs: PublishedImage,
  workDir: string,
  log: (l: string) => void,
): Promise<void> {
  await mkdir(workDir, { recursive: true })
  const archive = path.join(workDir, `${localImage.replace(/[/:]/g, '_')}.tar`)
  try {
    log(`docker save ${localImage}`)
    await run('docker', ['save', '-o', archive, localImage], { timeoutMs: 10 * 60_000 })
    await copyTo(builder, archive, IMAGE_ARCHIVE)
    await loadImage(builder, IMAGE_ARCHIVE)
    await exec(builder, ['rm', '-f', IMAGE_ARCHIVE])
    // nerdctl names loaded Docker Hub-style references with the docker.io/ prefix.
    const loaded =
      localImage.includes('/') && !localImage.split('/')[0]!.includes('.')
        ? `docker.io/${localImage}`
        : localImage
    log(`push ${refs.plainRef}`)
    await tagAndPush(builder, loaded, refs.plainRef)
    log(`convert to eStargz and push ${refs.esgzRef}`)
    await convertToEstargz(builder, refs.plainRef, refs.esgzRef)
    await push(builder, refs.esgzRef)
  } finally {
    await rm(archive, { force: true })
  }
}
