// OCI image layouts, as one tar, of images that each hold a single static binary: what
// `ctr images import` loads into a node's containerd. Layers are plain (uncompressed) tars with fixed
// times and owners, so the same binary always gives the same digests.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'

export interface OneBinaryImage {
  /** full reference, e.g. registry.k8s.io/kube-apiserver:v1.33.1 */
  name: string
  /** absolute path of the binary inside the image */
  path: string
  content: Buffer
  entrypoint?: string[]
  extra?: LayerFile[]
}

export interface Blob {
  digest: string
  size: number
  data: Buffer
}

const MTIME = new Date(0)
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

function blob(data: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, data }
}

interface TarEntry {
  name: string
  type: 'directory' | 'file' | 'symlink'
  mode: number
  data?: Buffer
  linkname?: string
}

async function tarOf(entries: TarEntry[]) {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => chunks.push(c as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve)
    pack.on('error', reject)
  })
  for (const e of entries) {
    const header = {
      name: e.name,
      type: e.type,
      mode: e.mode,
      mtime: MTIME,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      ...(e.linkname ? { linkname: e.linkname } : {}),
    }
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0), (err) =>
        err ? reject(err) : resolve(),
      ),
    )
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

/** A file or symlink of a layer other than the image's binary (e.g. iptables and its libraries). */
export interface LayerFile {
  path: string
  type: 'file' | 'symlink'
  mode: number
  data?: Buffer
  linkname?: string
}

/**
 * The layer: /tmp, the binary (0755), any extra files, and every parent directory, each once,
 * parents first.
 */
export async function binaryLayer(
  image: Pick<OneBinaryImage, 'path' | 'content' | 'extra'>,
): Promise<Buffer> {
  const files: LayerFile[] = [
    ...(image.extra ?? []),
    { path: image.path, type: 'file', mode: 0o755, data: image.content },
  ]
  const dirs = new Set<string>(['tmp/'])
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean)
    for (let i = 1; i < parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`)
  }
  const byPath = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f]))
  return tarOf([
    ...[...dirs]
      .sort()
      .map((name) => ({ name, type: 'directory' as const, mode: name === 'tmp/' ? 0o1777 : 0o755 })),
    ...[...byPath.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => ({ name, type: f.type, mode: f.mode, data: f.data, linkname: f.linkname })),
  ])
}

/** Config, manifest and layer blobs of one image, and its manifest descriptor for index.json. */
export async function imageBlobs(image: OneBinaryImage): Promise<{ blobs: Blob[]; manifest: Blob }> {
  const layer = blob(await binaryLayer(image))
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: MTIME.toISOString(),
        config: { Env: [PATH_ENV], ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}) },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
        history: [{ created: MTIME.toISOString(), created_by: `d7y-conformance: ${image.path}` }],
      }),
    ),
  )
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: config.digest,
          size: config.size,
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size },
        ],
      }),
    ),
  )
  return { blobs: [layer, config, manifest], manifest }
}

/** index.json naming every image the way containerd's importer reads names. */
export function indexJson(entries: { name: string; manifest: Pick<Blob, 'digest' | 'size'> }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries.map(({ name, manifest }) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifest.digest,
      size: manifest.size,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: {
        'io.containerd.image.name': name,
        'org.opencontainers.image.ref.name': name.slice(name.lastIndexOf(':') + 1),
      },
    })),
  })
}

/** Writes one OCI layout tar holding all `images` to `file`. */
export async function writeOciArchive(file: string, images: OneBinaryImage[]): Promise<void> {
  const pack = tar.pack()
  const out = pipeline(pack, createWriteStream(file))
  const add = (name: string, data: Buffer) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ name, mode: 0o644, mtime: MTIME }, data, (err) => (err ? reject(err) : resolve())),
    )
  const seen = new Set<string>()
  const index: { name: string; manifest: Blob }[] = []
  await add('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })))
  for (const image of images) {
    const { blobs, manifest } = await imageBlobs(image)
    for (const b of blobs) {
      if (seen.has(b.digest)) continue
      seen.add(b.digest)
      await add(`blobs/sha256/${b.digest.slice('sha256:'.length)}`, b.data)
    }
    index.push({ name: image.name, manifest })
  }
  await add('index.json', Buffer.from(indexJson(index)))
  pack.finalize()
  await out
}
