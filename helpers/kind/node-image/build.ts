// Builds the kind node image of recipe.ts into podman (kind's podman provider runs it): debootstrap
// a Debian rootfs, put the files and built binaries in place, load the control-plane images into
// the rootfs's containerd store with a throwaway containerd on the host, then `podman import`.
// Skipped when podman already has an image with the recipe's hash.
import { spawn } from 'node:child_process'
import {
  copyFile,
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { run } from '../../base/exec.ts'
import { debootstrap } from '../../local/rootfs-image.ts'
import { binaryPath } from '../../tools/layout.ts'
import { kindNodeImageRef, type KindNodeRecipe } from './recipe.ts'
import { writeOciArchive, type LayerFile } from './oci.ts'

export async function podmanImageExists(ref: string): Promise<boolean> {
  return (await run('podman', ['image', 'exists', ref], { allowFailure: true })).exitCode === 0
}

/** containerd config of the build-time import: content store in the rootfs, nothing else running. */
export function importContainerdConfig(root: string, state: string): string {
  return `version = 3
root = ${JSON.stringify(path.join(root, 'var/lib/containerd'))}
state = ${JSON.stringify(state)}
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.cri.v1.images",
  "io.containerd.cri.v1.runtime",
  "io.containerd.podsandbox.controller.v1.podsandbox",
  "io.containerd.nri.v1.nri",
]

[grpc]
  address = ${JSON.stringify(path.join(state, 'containerd.sock'))}

[ttrpc]
  address = ${JSON.stringify(path.join(state, 'containerd.sock.ttrpc'))}

[debug]
  address = ""

[metrics]
  address = ""
`
}

/**
 * Files of `paths` in the rootfs for an image layer: each executable with the libraries ldd names
 * (run in the rootfs), symlinks kept and followed, directories with everything in them and the
 * libraries their shared objects need.
 */
export async function rootfsFiles(root: string, paths: string[]): Promise<LayerFile[]> {
  const ldd = await run('chroot', [
    root,
    'sh',
    '-c',
    // a directory's shared objects (iptables' xtables modules) need their libraries too
    'for f; do if [ -d "$f" ]; then find "$f" -type f -name "*.so*" -exec ldd {} + 2>/dev/null; else ldd "$f" 2>/dev/null; fi; true; done',
    'ldd',
    ...paths,
  ])
  const libs = [...ldd.stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!)
  const out = new Map<string, LayerFile>()
  const realRoot = await realpath(root)
  const add = async (given: string, depth = 0): Promise<void> => {
    // entries sit under real directories: /lib/x/libc.so.6 becomes /usr/lib/x/libc.so.6
    const parent = (await realpath(path.join(root, path.posix.dirname(given)))).slice(realRoot.length) || '/'
    const inImage = path.posix.join(parent, path.posix.basename(given))
    if (out.has(inImage) || depth > 16) return
    const onDisk = path.join(root, inImage)
    const st = await lstat(onDisk)
    if (st.isSymbolicLink()) {
      const linkname = await readlink(onDisk)
      out.set(inImage, { path: inImage, type: 'symlink', mode: 0o777, linkname })
      const target = path.posix.resolve(path.posix.dirname(inImage), linkname)
      // a directory symlink (/lib -> usr/lib) is kept, not copied whole
      const targetStat = await stat(path.join(root, target)).catch(() => undefined)
      if (!targetStat?.isDirectory()) await add(target, depth + 1)
    } else if (st.isDirectory()) {
      for (const name of await readdir(onDisk)) await add(path.posix.join(inImage, name), depth)
    } else if (st.isFile()) {
      out.set(inImage, { path: inImage, type: 'file', mode: st.mode & 0o7777, data: await readFile(onDisk) })
    }
  }
  // parent directories that are symlinks (/lib -> usr/lib on Debian) stay as the symlink
  for (const p of [...paths, ...libs]) {
    const parts = p.split('/').filter(Boolean)
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`
      if ((await lstat(path.join(root, dir))).isSymbolicLink()) await add(dir)
    }
    await add(p)
  }
  return [...out.values()]
}

async function preloadImages(
  recipe: KindNodeRecipe,
  root: string,
  work: string,
  cacheDir: string,
  log: (line: string) => void,
) {
  const archive = path.join(work, 'images.tar')
  const images = await Promise.all(
    recipe.images.map(async (i) => ({
      name: i.name,
      path: i.path,
      entrypoint: i.entrypoint,
      content: await readFile(
        i.rootfsBinary
          ? path.join(root, i.rootfsBinary)
          : binaryPath(cacheDir, i.tool!, i.version!, i.binary!),
      ),
      extra: [
        ...(i.fromRootfs ? await rootfsFiles(root, i.fromRootfs) : []),
        ...Object.entries(i.links ?? {}).map(([p, linkname]): LayerFile => ({
          path: p,
          type: 'symlink',
          mode: 0o777,
          linkname,
        })),
      ],
    })),
  )
  await writeOciArchive(archive, images)
  // unix socket paths must stay under 108 bytes: the daemon's state lives in a short temp dir
  const state = await mkdtemp(path.join(os.tmpdir(), 'd7y-ctrd-'))
  const config = path.join(work, 'containerd-import.toml')
  await writeFile(config, importContainerdConfig(root, state))
  const containerd = binaryPath(cacheDir, 'containerd', 'v2.2.1', 'containerd')
  const ctr = binaryPath(cacheDir, 'containerd', 'v2.2.1', 'ctr')
  const sock = path.join(state, 'containerd.sock')
  const daemon = spawn(containerd, ['--config', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let daemonLog = ''
  daemon.stderr.on('data', (c: Buffer) => (daemonLog = (daemonLog + c.toString()).slice(-4000)))
  try {
    for (let i = 0; ; i++) {
      const probe = await run(ctr, ['-a', sock, 'version'], { allowFailure: true, timeoutMs: 10_000 })
      if (probe.exitCode === 0) break
      if (i > 60 || daemon.exitCode !== null)
        throw new Error(`build-time containerd did not start:\n${daemonLog}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    log(`importing ${recipe.images.length} images into the node's containerd (k8s.io)`)
    await run(ctr, [
      '-a',
      sock,
      '--namespace=k8s.io',
      'images',
      'import',
      '--label=io.cri-containerd.pinned=pinned',
      '--no-unpack',
      '--digests',
      archive,
    ])
    const listed = await run(ctr, ['-a', sock, '--namespace=k8s.io', 'images', 'ls', '-q'])
    const missing = recipe.images.filter((i) => !listed.stdout.split('\n').includes(i.name))
    if (missing.length) throw new Error(`not imported: ${missing.map((i) => i.name).join(', ')}`)
  } finally {
    daemon.kill('SIGTERM')
    await new Promise((r) => (daemon.exitCode !== null ? r(undefined) : daemon.once('exit', r)))
    await rm(state, { recursive: true, force: true })
  }
}

/** Returns the podman reference, building it only when podman has no image with this recipe's hash. */
export async function ensureKindNodeImage(
  recipe: KindNodeRecipe,
  opts: { workDir: string; cacheDir: string; log?: (line: string) => void },
): Promise<{ ref: string; built: boolean }> {
  const log = opts.log ?? (() => {})
  const ref = kindNodeImageRef(recipe)
  if (await podmanImageExists(ref)) return { ref, built: false }
  const work = path.join(opts.workDir, ref.replace(/[/:]/g, '_'))
  const root = path.join(work, 'rootfs')
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true })
  try {
    log(`debootstrap ${recipe.suite} with ${recipe.packages.join(',')}`)
    await debootstrap(recipe, root, log)
    for (const [file, content] of Object.entries(recipe.files)) {
      const dest = path.join(root, file)
      await mkdir(path.dirname(dest), { recursive: true })
      await writeFile(dest, content)
      if (recipe.executables.includes(file)) await chmod(dest, 0o755)
    }
    for (const b of recipe.binaries) {
      const dest = path.join(root, b.dest)
      await mkdir(path.dirname(dest), { recursive: true })
      await copyFile(binaryPath(opts.cacheDir, b.tool, b.version, b.binary), dest)
      await chmod(dest, 0o755)
    }
    await run('chroot', [root, 'sh', '-ec', recipe.customize])
    await preloadImages(recipe, root, work, opts.cacheDir, log)
    await run('sh', [
      '-c',
      'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/var/log/*',
      'x',
      root,
    ])
    log(`podman import ${ref}`)
    await run(
      'bash',
      [
        '-c',
        'root=$1; ref=$2; shift 2; set -o pipefail; tar -C "$root" --numeric-owner -c . | podman import "$@" - "$ref"',
        'import',
        root,
        ref,
        ...recipe.changes.flatMap((c) => ['--change', c]),
      ],
      { timeoutMs: 20 * 60_000 },
    )
    return { ref, built: true }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
