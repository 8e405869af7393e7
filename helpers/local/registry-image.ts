// The origin registry image for machines where `registry:2` can't be pulled: Debian's build of the
// same program (distribution 2.8.x, package docker-registry), which needs only libc, copied into an
// image built FROM scratch. Tagged by the binary's hash so a rerun reuses it.
import { createHash } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import { imageExists } from '../profiles/docker.ts'
import { run } from '../base/exec.ts'

const BINARY = '/usr/bin/docker-registry'
const LIBS = ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']

export async function ensureDebianRegistryImage(): Promise<string> {
  const binary = await readFile(BINARY).catch(() => {
    throw new Error(
      `${BINARY} is missing: install Debian's registry with 'apt-get install -y docker-registry'`,
    )
  })
  const ref = `d7y-conformance/registry:${createHash('sha256').update(binary).digest('hex').slice(0, 12)}`
  if (await imageExists(ref)) return ref
  const ctx = await mkdtemp(path.join(os.tmpdir(), 'd7y-registry-'))
  try {
    for (const file of [BINARY, ...LIBS]) {
      await mkdir(path.join(ctx, 'rootfs', path.dirname(file)), { recursive: true })
      await copyFile(file, path.join(ctx, 'rootfs', file))
    }
    await mkdir(path.join(ctx, 'rootfs/var/lib/registry'), { recursive: true })
    await mkdir(path.join(ctx, 'rootfs/tmp'), { recursive: true })
    await writeFile(
      path.join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY rootfs/ /',
        'EXPOSE 5000',
        // Same storage path and listen address as the official registry:2 image.
        'ENV REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry REGISTRY_HTTP_ADDR=:5000',
        `ENTRYPOINT ["${BINARY}", "serve", "/etc/docker/registry/config.yml"]`,
        '',
      ].join('\n'),
    )
    await mkdir(path.join(ctx, 'rootfs/etc/docker/registry'), { recursive: true })
    await writeFile(
      path.join(ctx, 'rootfs/etc/docker/registry/config.yml'),
      stringify({
        version: '0.1',
        storage: { filesystem: { rootdirectory: '/var/lib/registry' } },
        http: { addr: ':5000' },
      }),
    )
    await run('docker', ['build', '-q', '-t', ref, ctx], { timeoutMs: 5 * 60_000 })
    return ref
  } finally {
    await rm(ctx, { recursive: true, force: true })
  }
}
