// The images the chart's pods run on a machine without a registry: what each is made of.
import { describe, expect, test } from 'vitest'
import {
  OFFLINE_LABEL,
  derivedDockerfile,
  derivedImages,
  runtimeRecipe,
  servicesRecipe,
} from '../../../helpers/kind/workload-images.ts'

const refs = {
  manager: 'dragonflyoss/manager:v2.5.1',
  scheduler: 'dragonflyoss/scheduler:v2.5.1',
  client: 'dragonflyoss/client:v1.5.0',
  init: { pull: 'busybox@sha256:' + 'a'.repeat(64), ref: 'busybox:1.36.1' },
}

describe('workload images', () => {
  test("each Dragonfly image holds its binary and the chart's probe, under the values' reference", () => {
    const images = derivedImages(refs)
    expect(images.map((i) => i.ref)).toEqual([refs.manager, refs.scheduler, refs.client, refs.init.ref])
    // only the init image is pulled by another reference (its digest) than the one the values name
    expect(images.map((i) => i.pull)).toEqual([undefined, undefined, undefined, refs.init.pull])
    for (const i of images.slice(0, 3)) {
      expect(i.binaries.map((b) => b.dest)).toContain('/bin/grpc_health_probe')
      expect(i.entrypoint).toEqual([i.binaries[0]!.dest])
    }
    expect(images[2]!.binaries[0]).toMatchObject({ tool: 'dfdaemon', binary: 'dfdaemon' })
  })

  test("the Dockerfile marks the image as the suite's build, with the hash of what went in", () => {
    const text = derivedDockerfile(
      derivedImages(refs)[1]!,
      'd7y-conformance/kind-runtime:abc',
      '0123456789ab',
    )
    expect(text.split('\n')).toEqual([
      'FROM d7y-conformance/kind-runtime:abc',
      `LABEL ${OFFLINE_LABEL}=0123456789ab`,
      'COPY rootfs/ /',
      'ENTRYPOINT ["/opt/dragonfly/bin/scheduler"]',
      '',
    ])
  })

  test("the init containers' commands exist: busybox nslookup, netcat-openbsd's nc (busybox nc has no -z)", () => {
    const r = runtimeRecipe({ suite: 'bookworm' })
    expect(r.packages).toEqual(expect.arrayContaining(['busybox', 'netcat-openbsd']))
    expect(r.customize).toContain('ln -sf /bin/busybox /usr/local/bin/nslookup')
    expect(r.customize).not.toMatch(/busybox \/usr\/local\/bin\/nc\b/)
  })

  test('MariaDB and Redis are installed with service starts denied, and the denial is gone from the image', () => {
    const r = servicesRecipe({ suite: 'bookworm', mirror: 'http://mirror.example/debian' })
    expect(r.files!['/usr/sbin/policy-rc.d']).toBe('#!/bin/sh\nexit 101\n')
    const steps = r.customize!.split('\n')
    expect(steps.findIndex((s) => s.includes('mariadb-server redis-server'))).toBeGreaterThan(
      steps.findIndex((s) => s.includes('chmod 0755 /usr/sbin/policy-rc.d')),
    )
    expect(steps.at(-1)).toBe('rm -f /usr/sbin/policy-rc.d')
    expect(r.files!['/usr/local/bin/d7y-mariadb']).toContain("CREATE USER IF NOT EXISTS '$DB_USER'@'%'")
  })
})
