// Test images built on a published Debian image where one can be had (a user's machine with the
// internet): apt-get in a `docker build`, then flattened to one layer, the shape the debootstrap
// build gives (one large layer: the checks judge large layers, and Dragonfly fetches small blobs
// straight from the source). No root and no debootstrap needed. Where no base can be pulled (this
// project's offline gate), the caller falls back to debootstrap and says so.
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { imageExists } from '../profiles/docker.ts'
import { run } from '../base/exec.ts'
import { recipeTag } from '../local/rootfs-image.ts'
import { filterTar, isDockerInitEntry } from './container-export.ts'

export interface OnBaseRecipe {
  /** image repository, e.g. d7y-conformance/conformance-python */
  repository: string
  /** the base image as pulled (name:tag@digest or a local name) */
  base: string
  packages: string[]
  /** Dockerfile-style --change instructions for docker import */
  changes: string[]
}

/** The build's Dockerfile: the packages and nothing else, the package caches and logs removed. */
export function onBaseDockerfile(recipe: OnBaseRecipe): string {
  return [
    `FROM ${recipe.base}`,
    `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${recipe.packages.join(' ')} \\`,
    '  && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/log/*',
    '',
  ].join('\n')
}

/** Builds the recipe's image (tagged by its hash, so a rerun reuses it); the base must be present. */
export async function buildOnBase(
  recipe: OnBaseRecipe,
  workDir: string,
  log: (line: string) => void,
): Promise<{ ref: string; built: boolean }> {
  const ref = recipeTag(recipe)
  if (await imageExists(ref)) return { ref, built: false }
  const layered = `${ref}-layered`
  const container = `d7y-flatten-${ref.split(':')[1]}`
  log(`docker build on ${recipe.base}: apt-get install ${recipe.packages.join(' ')}`)
  try {
    await run('docker', ['build', '--tag', layered, '-'], {
      input: onBaseDockerfile(recipe),
      timeoutMs: 20 * 60_000,
      onLine: (l) => /^(Step \d+|#\d+ DONE|Successfully built)/.test(l) && log(l),
    })
    await run('docker', ['create', '--name', container, layered])
    const exported = path.join(workDir, `${container}.tar`)
    const flat = path.join(workDir, `${container}-flat.tar`)
    await mkdir(workDir, { recursive: true })
    try {
      await run('docker', ['export', '--output', exported, container], { timeoutMs: 20 * 60_000 })
      await filterTar(exported, flat, isDockerInitEntry)
      const changes = recipe.changes.flatMap((c) => ['--change', c])
      await run('docker', ['import', ...changes, flat, ref], { timeoutMs: 20 * 60_000 })
    } finally {
      await rm(exported, { force: true })
      await rm(flat, { force: true })
    }
    return { ref, built: true }
  } finally {
    await run('docker', ['rm', '-f', container], { allowFailure: true })
    await run('docker', ['rmi', layered], { allowFailure: true })
  }
}
