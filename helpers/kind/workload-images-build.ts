// Supplies the images the chart's pods run: the published image when Docker has it or can pull it;
// otherwise (no container registry reachable) the image built here from workload-images.ts, said
// out loud every run, since such an image is the suite's build of the binaries, not the release's.
import { createHash } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Config } from '../run/config.ts'
import { run } from '../base/exec.ts'
import { debian, ensureRootfsImage } from '../local/rootfs-image.ts'
import { obtainTool } from '../tools/obtain.ts'
import type { ToolName } from '../base/versions.ts'
import {
  OFFLINE_LABEL,
  derivedDockerfile,
  derivedImages,
  runtimeRecipe,
  servicesRecipe,
  type DerivedImage,
} from './workload-images.ts'

export interface SuppliedImage {
  ref: string
  /**
   * 'pulled, a local build': the pull answered (a registry mirror, a private registry) with an image
   * that carries this suite's offline label: not the published one, and said so
   */
  source: 'present' | 'pulled' | 'pulled, a local build' | 'built here' | 'built here earlier'
}

/** The offline label of a local image: undefined when the image is absent or published. */
async function inspect(ref: string): Promise<{ present: boolean; offline?: string }> {
  const r = await run(
    'docker',
    ['image', 'inspect', '--format', `{{index .Config.Labels "${OFFLINE_LABEL}"}}`, ref],
    {
      allowFailure: true,
    },
  )
  if (r.exitCode !== 0) return { present: false }
  const label = r.stdout.trim()
  return { present: true, offline: label && label !== '<no value>' ? label : undefined }
}

async function pull(ref: string): Promise<string | undefined> {
  const r = await run('docker', ['pull', ref], { allowFailure: true, timeoutMs: 15 * 60_000 })
  return r.exitCode === 0 ? undefined : r.stderr.trim().split('\n').pop() || `exit ${r.exitCode}`
}

async function buildDerived(
  image: DerivedImage,
  baseRef: string,
  config: Pick<Config, 'cacheDir' | 'toolVersions'>,
  log: (line: string) => void,
): Promise<'built here' | 'built here earlier'> {
  const files = await Promise.all(
    image.binaries.map(async (b) => {
      // a cached tool says nothing; a build (minutes) keeps its progress lines
      const tool = await obtainTool(b.tool as ToolName, config, {
        log: (l) => !/: (trying|path skipped|cache skipped)/.test(l) && log(l),
      })
      return { src: path.join(path.dirname(tool.binary), b.binary), dest: b.dest }
    }),
  )
  const hash = createHash('sha256').update(baseRef).update(JSON.stringify(image))
  for (const f of files) hash.update(await readFile(f.src))
  const recipeHash = hash.digest('hex').slice(0, 12)
  const existing = await inspect(image.ref)
  if (existing.offline === recipeHash) return 'built here earlier'
  log(`build ${image.ref} FROM ${baseRef}`)
  const ctx = await mkdtemp(path.join(os.tmpdir(), 'd7y-workload-'))
  try {
    for (const f of files) {
      const dest = path.join(ctx, 'rootfs', f.dest)
      await mkdir(path.dirname(dest), { recursive: true })
      await copyFile(f.src, dest)
    }
    await writeFile(path.join(ctx, 'Dockerfile'), derivedDockerfile(image, baseRef, recipeHash))
    await run('docker', ['build', '-q', '-t', image.ref, ctx], { timeoutMs: 10 * 60_000 })
    return 'built here'
  } finally {
    await rm(ctx, { recursive: true, force: true })
  }
}

/**
 * Makes every ref available to Docker. Published images are used when present or pullable; the
 * rest are built here (no silent fallback: `log` names each one and why). Returns the services
 * image (MariaDB + Redis) too, which only exists as the suite's build.
 */
export async function supplyWorkloadImages(
  refs: Parameters<typeof derivedImages>[0],
  config: Pick<Config, 'cacheDir' | 'toolVersions'>,
  workDir: string,
  log: (line: string) => void,
): Promise<{ images: SuppliedImage[]; services: string }> {
  const images: SuppliedImage[] = []
  const toBuild: DerivedImage[] = []
  for (const image of derivedImages(refs)) {
    const state = await inspect(image.ref)
    if (state.present && !state.offline) {
      images.push({ ref: image.ref, source: 'present' })
      continue
    }
    const failure = await pull(image.pull ?? image.ref)
    if (!failure) {
      // pulled by digest: known under the name the values use from now on
      if (image.pull && image.pull !== image.ref) await run('docker', ['tag', image.pull, image.ref])
      const offline = (await inspect(image.ref)).offline
      if (offline)
        log(
          `${image.ref}: pulled, but it is a local build of this suite (label ${OFFLINE_LABEL}=${offline}), not the published image`,
        )
      images.push({ ref: image.ref, source: offline ? 'pulled, a local build' : 'pulled' })
      continue
    }
    log(`OFFLINE: ${image.ref} cannot be pulled (${failure}): using the suite's build of it instead`)
    toBuild.push(image)
  }
  const deb = debian()
  if (toBuild.length) {
    const runtime = await ensureRootfsImage(runtimeRecipe(deb), workDir, log)
    for (const image of toBuild) {
      images.push({ ref: image.ref, source: await buildDerived(image, runtime.ref, config, log) })
    }
  }
  const services = await ensureRootfsImage(servicesRecipe(deb), workDir, log)
  images.push({ ref: services.ref, source: services.built ? 'built here' : 'built here earlier' })
  return { images, services: services.ref }
}
