// kind on podman: what differs from Docker in the commands (names, NAT, the registry's name).
import { describe, expect, test } from 'vitest'
import {
  NAT_EXEMPTION_MARK,
  ipv4Subnet,
  natExemption,
  qualified,
  registryHostsLine,
} from '../../../helpers/kind/commands.ts'

test('podman pulls Docker Hub short names fully qualified; references with a registry host stay', () => {
  expect(qualified('kindest/node:v1.33.1')).toBe('docker.io/kindest/node:v1.33.1')
  expect(qualified('busybox:latest')).toBe('docker.io/library/busybox:latest')
  expect(qualified('localhost/d7y-conformance/kind-node:x')).toBe('localhost/d7y-conformance/kind-node:x')
  expect(qualified('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10')
  expect(qualified('127.0.0.1:5000/a/b:c')).toBe('127.0.0.1:5000/a/b:c')
})

describe('kind on podman: the origin and its name', () => {
  test('the NAT exemption is one marked rule, inserted first, removed by its mark', () => {
    expect(natExemption.insert('10.89.0.0/24', '172.23.0.0/16').args).toEqual([
      '-t', 'nat', '-I', 'POSTROUTING', '1', '-s', '10.89.0.0/24', '-d', '172.23.0.0/16',
      '-m', 'comment', '--comment', NAT_EXEMPTION_MARK, '-j', 'ACCEPT',
    ]) // prettier-ignore
    expect(natExemption.check('a', 'b').args.slice(0, 4)).toEqual(['-t', 'nat', '-C', 'POSTROUTING'])
    expect(natExemption.removeAll().args[1]).toContain(`--comment ${NAT_EXEMPTION_MARK}`)
  })

  test("a network's IPv4 subnet is picked from inspect output that lists IPv6 first", () => {
    expect(ipv4Subnet('fc00:f853:ccd:e793::/64 10.89.0.0/24 ')).toBe('10.89.0.0/24')
    expect(ipv4Subnet('fc00::/64 ')).toBeUndefined()
  })

  test('the registry name goes into /etc/hosts once', () => {
    expect(registryHostsLine({ ip: '172.23.0.2', hostnames: ['d7y-stargz-registry'] })).toBe(
      "grep -q ' d7y-stargz-registry$' /etc/hosts || echo '172.23.0.2 d7y-stargz-registry' >> /etc/hosts",
    )
  })
})
