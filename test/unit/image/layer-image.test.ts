// A one-layer image pushed through the HTTP API alone, into a real distribution registry (Debian's
// docker-registry binary on loopback), then read back: the digests and the config's diff id must
// be those of the bytes the registry serves.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { run } from '../../../helpers/base/exec.ts'
import { waitFor } from '../../../helpers/base/wait.ts'
import {
  commandOf,
  layerImageConfig,
  ociArch,
  pushLayerImage,
  type RootfsLayer,
} from '../../../helpers/image/layer-image.ts'
import { fetchManifest, readBlob } from '../../../helpers/image/registry-client.ts'

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise((r) => srv.close(r))
  return port
}

let registry: ChildProcess | undefined
let baseUrl = ''
let dir = ''

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'layer-image-'))
  const port = await freePort()
  const config = path.join(dir, 'registry.yml')
  await writeFile(
    config,
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  )
  registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
  baseUrl = `http://127.0.0.1:${port}`
  await waitFor(
    'the registry to answer',
    async () => (await fetch(`${baseUrl}/v2/`).catch(() => undefined))?.ok,
    {
      timeoutMs: 20_000,
    },
  )
})

afterAll(() => {
  registry?.kill()
})

describe('an image without a container engine', () => {
  test('layer, config and manifest pushed; what the registry serves matches', async () => {
    const tree = path.join(dir, 'tree')
    await mkdir(path.join(tree, 'usr/bin'), { recursive: true })
    await writeFile(path.join(tree, 'usr/bin/hello'), '#!/bin/sh\necho hello\n')
    const file = path.join(dir, 'layer.tar.gz')
    await run('bash', ['-c', 'tar -C "$1" --numeric-owner -c . | gzip -n > "$2"', 'x', tree, file])
    const gz = await readFile(file)
    const layer: RootfsLayer = { file, digest: sha256(gz), diffId: sha256(gunzipSync(gz)), size: gz.length }

    await pushLayerImage(baseUrl, 'conformance/hello', '1', layer, ['hello'])

    const manifest = await fetchManifest(baseUrl, 'conformance/hello', '1')
    expect(manifest.layers.map((l) => [l.digest, l.size])).toEqual([[layer.digest, layer.size]])
    const served = await readBlob(baseUrl, 'conformance/hello', manifest.layers[0]!.digest)
    expect(sha256(gunzipSync(served))).toBe(layer.diffId)
    const config = JSON.parse(
      (await readBlob(baseUrl, 'conformance/hello', manifest.config.digest)).toString(),
    ) as { rootfs: { diff_ids: string[] }; config: { Cmd: string[] }; architecture: string }
    expect(config.rootfs.diff_ids).toEqual([layer.diffId])
    expect(config.config.Cmd).toEqual(['hello'])
    expect(config.architecture).toBe(ociArch())
  })

  test('a wrong digest is refused by the registry, not stored', async () => {
    const file = path.join(dir, 'other.tar.gz')
    await writeFile(file, Buffer.from('not the bytes the digest names'))
    const wrong: RootfsLayer = {
      file,
      digest: `sha256:${'0'.repeat(64)}`,
      diffId: `sha256:${'1'.repeat(64)}`,
      size: 30,
    }
    await expect(pushLayerImage(baseUrl, 'conformance/bad', '1', wrong, [])).rejects.toThrow(/PUT blob/)
  })

  test("the recipe's CMD and the machine's architecture", () => {
    expect(commandOf({ changes: ['CMD ["python3","--version"]'] })).toEqual(['python3', '--version'])
    expect(commandOf({})).toEqual([])
    expect(ociArch('x64')).toBe('amd64')
    expect(ociArch('arm64')).toBe('arm64')
    expect(JSON.parse(layerImageConfig({ diffId: 'sha256:ab' }, ['x'], 'amd64')).os).toBe('linux')
  })
})
