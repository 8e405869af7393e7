// The offline node image's entrypoint under Docker: pods cannot reach the node's loopback resolver
// (127.0.0.11), so CoreDNS looped on itself and stopped. The entrypoint's DNS block runs here in bash
// against the real NAT table of such a node (fixtures/kind-node/), with iptables, ip and the files it
// writes stood in for.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { renderEntrypoint } from '../../../helpers/kind/node-image/recipe.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const NAT = path.join(ROOT, 'fixtures/kind-node/docker26-nat-before-dns-fix.txt')
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Runs the entrypoint's DNS block with `resolv` as /etc/resolv.conf; returns what it wrote. */
function runDnsBlock(resolv: string): { resolv: string; restored?: string; localnet?: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'd7y-node-dns-'))
  dirs.push(dir)
  const text = renderEntrypoint()
  const start = text.indexOf('embedded=127.0.0.11')
  const end = text.indexOf('\nfi\n', start) + 4
  expect(start).toBeGreaterThan(0)
  const block = text
    .slice(start, end)
    .replaceAll('/etc/resolv.conf', `${dir}/resolv.conf`)
    .replaceAll('/proc/sys/net/ipv4/conf/all/route_localnet', `${dir}/route_localnet`)
  const stub = (name: string, body: string) => {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`)
    chmodSync(path.join(dir, name), 0o755)
  }
  stub('iptables-save', `cat '${NAT}'`)
  stub('iptables-restore', `cat > '${dir}/restored'`)
  stub('ip', "echo 'default via 172.30.1.1 dev eth0 '")
  writeFileSync(path.join(dir, 'resolv.conf'), resolv)
  execFileSync('bash', ['-euo', 'pipefail', '-c', `note() { :; }\n${block}`], {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
  })
  const read = (f: string) =>
    existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : undefined
  return { resolv: read('resolv.conf')!, restored: read('restored'), localnet: read('route_localnet') }
}

describe("the node entrypoint and Docker's embedded DNS", () => {
  test('Docker: pods and the node query the gateway, whose port 53 leads to the embedded resolver', () => {
    const out = runDnsBlock('nameserver 127.0.0.11\noptions ndots:0\n')
    expect(out.resolv).toBe('nameserver 172.30.1.1\noptions ndots:0\n')
    const rules = out.restored!.split('\n')
    expect(rules).toContain('-A OUTPUT -d 172.30.1.1/32 -j DOCKER_OUTPUT')
    expect(rules).toContain('-A PREROUTING -d 172.30.1.1/32 -j DOCKER_OUTPUT')
    expect(rules).toContain('-A POSTROUTING -d 172.30.1.1/32 -j DOCKER_POSTROUTING')
    expect(rules).toContain(
      '-A DOCKER_OUTPUT -d 172.30.1.1/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:57635',
    )
    expect(rules).toContain(
      '-A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 57635 -j SNAT --to-source 172.30.1.1:53',
    )
    expect(rules.filter((r) => r.includes('-d 127.0.0.11/32'))).toEqual([])
    // kube-proxy's rules pass through untouched
    expect(rules.filter((r) => r.includes('KUBE-SERVICES')).length).toBe(
      readFileSync(NAT, 'utf8')
        .split('\n')
        .filter((r) => r.includes('KUBE-SERVICES')).length,
    )
    expect(out.localnet?.trim()).toBe('1')
  })

  test("podman (its own DNS on the network's gateway): nothing is touched", () => {
    const out = runDnsBlock('search dns.podman\nnameserver 10.89.0.1\n')
    expect(out).toEqual({
      resolv: 'search dns.podman\nnameserver 10.89.0.1\n',
      restored: undefined,
      localnet: undefined,
    })
  })
})
