// Docker images made without pulling anything: a Debian root filesystem from debootstrap,
// `docker import`ed and tagged with a hash of its recipe, so a rerun reuses it.
import { createHash } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { imageExists } from '../profiles/docker.ts'
import { run } from '../base/exec.ts'
import { debianMirror } from './apt-sources.ts'

export interface RootfsRecipe {
  /** image repository, e.g. d7y-conformance/node */
  repository: string
  suite: string
  /** debootstrap's mirror; absent: debootstrap's own default */
  mirror?: string
  packages: string[]
  /** shell run in the rootfs after debootstrap (chroot), e.g. to enable units */
  customize?: string
  /** Dockerfile-style --change instructions for docker import */
  changes?: string[]
  /** files written into the rootfs before import: path -> content */
  files?: Record<string, string>
}

export const DEBIAN_SUITE = 'bookworm'

let mirror: { value: string | undefined } | undefined

/**
 * Suite and mirror of every rootfs recipe. The mirror is the machine's (apt sources, or
 * D7Y_DEBIAN_MIRROR), read once; it stays in the recipe and so in the image tag, in the same key
 * order as before, so images built from the same mirror keep their tags.
 */
export function debian(): { suite: string; mirror?: string } {
  mirror ??= { value: debianMirror(DEBIAN_SUITE) }
  return mirror.value ? { suite: DEBIAN_SUITE, mirror: mirror.value } : { suite: DEBIAN_SUITE }
}

/** A minbase Debian rootfs with the recipe's packages, from the machine's own mirror when it has one. */
export async function debootstrap(
  recipe: { suite: string; packages: string[]; mirror?: string },
  root: string,
  log: (line: string) => void,
): Promise<void> {
  await run(
    'debootstrap',
    [
      '--variant=minbase',
      `--include=${recipe.packages.join(',')}`,
      recipe.suite,
      root,
      ...(recipe.mirror ? [recipe.mirror] : []),
    ],
    // Only debootstrap's milestones: its per-package lines would drown the progress output.
    {
      timeoutMs: 20 * 60_000,
      onLine: (l) => /^I: (Retrieving Release|Base system installed)/.test(l) && log(l),
    },
  )
}

export function recipeTag(recipe: { repository: string }): string {
  const hash = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12)
  return `${recipe.repository}:${hash}`
}

/** Returns the image reference, building it only when no image with this recipe's hash exists. */
export async function ensureRootfsImage(
  recipe: RootfsRecipe,
  workDir: string,
  log: (line: string) => void = () => {},
): Promise<{ ref: string; built: boolean }> {
  const ref = recipeTag(recipe)
  if (await imageExists(ref)) return { ref, built: false }
  const root = path.join(workDir, ref.replace(/[/:]/g, '_'))
  await rm(root, { recursive: true, force: true })
  await mkdir(path.dirname(root), { recursive: true })
  try {
    await buildRootfsTree(recipe, root, log)
    const changes = (recipe.changes ?? []).flatMap((c) => ['--change', c])
    await run(
      'bash',
      [
        '-c',
        'root=$1; ref=$2; shift 2; set -o pipefail; tar -C "$root" --numeric-owner -c . | docker import "$@" - "$ref"',
        'import',
        root,
        ref,
        ...changes,
      ],
      { timeoutMs: 20 * 60_000 },
    )
    return { ref, built: true }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** debootstrap, the recipe's files and customization, then caches and logs removed: the tree an image is made of. */
export async function buildRootfsTree(
  recipe: RootfsRecipe,
  root: string,
  log: (line: string) => void,
): Promise<void> {
  log(`debootstrap ${recipe.suite} with ${recipe.packages.join(',')} (about a minute)`)
  await debootstrap(recipe, root, log)
  for (const [file, content] of Object.entries(recipe.files ?? {})) {
    await run('sh', ['-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'write', path.join(root, file)], {
      input: content,
    })
  }
  if (recipe.customize) await run('chroot', [root, 'sh', '-ec', recipe.customize])
  // Package caches and logs make the image bigger and its layer less reproducible.
  await run('sh', [
    '-c',
    'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/var/log/*',
    'x',
    root,
  ])
}
