// A test image pushed without any container engine (the cluster profile: no docker, podman or kind
// on the suite's machine): the recipe's debootstrapped tree as one gzip layer, cached by recipe hash,
// with an image config naming its diff id and command, pushed through the registry's HTTP API.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { run } from '../base/exec.ts'
import { buildRootfsTree, recipeTag, type RootfsRecipe } from '../local/rootfs-image.ts'
import { pushBlob, putManifest } from './registry-client.ts'

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json'
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip'

export interface RootfsLayer {
  /** the gzip file */
  file: string
  /** sha256 of the gzip file */
  digest: string
  /** sha256 of the uncompressed tar (the config's diff id) */
  diffId: string
  size: number
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`

const layerBase = (recipe: RootfsRecipe, cacheDir: string) =>
  path.join(cacheDir, 'layers', recipeTag(recipe).replace(/[/:]/g, '_'))

/** The cached layer of this recipe, when an earlier run built it. */
export async function cachedRootfsLayer(
  recipe: RootfsRecipe,
  cacheDir: string,
): Promise<RootfsLayer | undefined> {
  const base = layerBase(recipe, cacheDir)
  if (!existsSync(`${base}.json`) || !existsSync(`${base}.tar.gz`)) return undefined
  return JSON.parse(await readFile(`${base}.json`, 'utf8')) as RootfsLayer
}

/** The layer of this recipe: cached under `cacheDir/layers`, else debootstrapped and packed once. */
export async function ensureRootfsLayer(
  recipe: RootfsRecipe,
  cacheDir: string,
  log: (line: string) => void,
): Promise<RootfsLayer & { built: boolean }> {
  const base = layerBase(recipe, cacheDir)
  const meta = `${base}.json`
  const cached = await cachedRootfsLayer(recipe, cacheDir)
  if (cached) return { ...cached, built: false }
  const root = `${base}.root`
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  try {
    await buildRootfsTree(recipe, root, log)
    log(`packing ${recipeTag(recipe)} as one gzip layer`)
    // the tar's digest (diff id) and the gzip's, in one pass; gzip -n: no name or time in the header
    const tmp = `${base}.tar.gz.tmp`
    const r = await run(
      'bash',
      [
        '-c',
        'set -o pipefail; tar -C "$1" --numeric-owner -c . | tee >(sha256sum | cut -d" " -f1 >"$2.diffid") | gzip -n >"$2"; wait; cat "$2.diffid"',
        'pack',
        root,
        tmp,
      ],
      { timeoutMs: 20 * 60_000 },
    )
    const bytes = await readFile(tmp)
    const layer: RootfsLayer = {
      file: `${base}.tar.gz`,
      digest: sha256(bytes),
      diffId: `sha256:${r.stdout.trim()}`,
      size: bytes.length,
    }
    if (!/^sha256:[0-9a-f]{64}$/.test(layer.diffId)) throw new Error(`no diff id from tar: ${r.stdout}`)
    await rename(tmp, layer.file)
    await rm(`${tmp}.diffid`, { force: true })
    await writeFile(meta, JSON.stringify(layer, null, 2))
    return { ...layer, built: true }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** The image config of a one-layer image: its platform, command and diff id. */
export function layerImageConfig(layer: Pick<RootfsLayer, 'diffId'>, cmd: string[], arch: string): string {
  return JSON.stringify({
    architecture: arch,
    os: 'linux',
    config: { Cmd: cmd },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  })
}

/** `CMD ["a","b"]` of a recipe's changes → ["a","b"]. */
export function commandOf(recipe: Pick<RootfsRecipe, 'changes'>): string[] {
  const cmd = (recipe.changes ?? []).find((c) => c.startsWith('CMD '))
  return cmd ? (JSON.parse(cmd.slice(4)) as string[]) : []
}

/** Node's name for the machine → the OCI architecture. */
export const ociArch = (arch: string = process.arch): string => (arch === 'x64' ? 'amd64' : arch)

/** Pushes layer, config and manifest as `name:tag` to the registry at `baseUrl`. */
export async function pushLayerImage(
  baseUrl: string,
  name: string,
  tag: string,
  layer: RootfsLayer,
  cmd: string[],
): Promise<void> {
  const config = layerImageConfig(layer, cmd, ociArch())
  const configDigest = sha256(config)
  await pushBlob(baseUrl, name, await readFile(layer.file), layer.digest)
  await pushBlob(baseUrl, name, Buffer.from(config), configDigest)
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, digest: configDigest, size: Buffer.byteLength(config) },
    layers: [{ mediaType: DOCKER_LAYER, digest: layer.digest, size: layer.size }],
  }
  await putManifest(baseUrl, name, tag, { body: JSON.stringify(manifest), type: DOCKER_MANIFEST })
}
