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

async function tarOf(entries: { name: string; type: 'directory' | 'file'; mode: number; data?: Buffer }[]) {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => chunks.push(c as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve)
    pack.on('error', reject)
  })
  for (const e of entries) {
    const header = { name: e.name, type: e.type, mode: e.mode, mtime: MTIME, uid: 0, gid: 0, uname: '', gname: '' }
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, e.data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
    )
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

/** The layer: parent directories of the binary, /tmp, and the binary itself (0755). */
export async function binaryLayer(image: Pick<OneBinaryImage, 'path' | 'content'>): Promise<Buffer> {
  const parts = image.path.split('/').filter(Boolean)
  const dirs = parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('/')}/`)
  return tarOf([
    ...['tmp/', ...dirs].map((name) => ({ name, type: 'directory' as const, mode: name === 'tmp/' ? 0o1777 : 0o755 })),
    { name: parts.join('/'), type: 'file', mode: 0o755, data: image.content },
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
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
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
