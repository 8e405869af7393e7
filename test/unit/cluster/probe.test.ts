// The preflight probe on real output: the probe pod's script as it ran on the stand-in's nodes
// (fixtures/cluster/probe/, kind under podman) while a run's dfdaemons and origin were up, so the
// ports the run binds show as taken; and the same pod with an empty directory where the node's /dev
// is mounted (no node without /dev/fuse is at hand): no-dev-fuse-*.txt.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { neededPorts, parseProbe, probeProblems } from '../../../helpers/cluster/probe.ts'
import { PROBE_SCRIPT, renderNodeProbe } from '../../../helpers/render/node-probe.ts'

const capture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, '../../../fixtures/cluster/probe', name), 'utf8')

describe('the probe pod', () => {
  test('is not privileged, mounts /dev read-only, runs on the named node and once', () => {
    const pod = renderNodeProbe({ image: 'busybox:1.36.1', node: 'n1', index: 0 })
    const c = pod.spec.containers[0]!
    expect(c).not.toHaveProperty('securityContext')
    expect(c.volumeMounts).toEqual([{ name: 'dev', mountPath: '/host/dev', readOnly: true }])
    expect(pod.spec).toMatchObject({ nodeName: 'n1', hostNetwork: true, restartPolicy: 'Never' })
    expect(c.command).toEqual(['sh', '-c', PROBE_SCRIPT])
  })
})

describe('what the probe read on a node', () => {
  test('a worker with a run going: dfdaemon holds every port it needs, so a second run is refused', () => {
    const r = parseProbe(capture('running-d7y-standin-worker.txt'))
    expect(r).toMatchObject({ kernel: '6.18.44-fc-v1272', machine: 'x86_64', fuse: true, complete: true })
    expect(r.filesystems).toContain('overlay')
    expect(r.tcp).toEqual(expect.arrayContaining([4000, 4001, 4002, 4003, 4004, 4005]))
    expect(r.udp).toContain(4006)
    const problems = probeProblems('worker', r, neededPorts('worker', 5000))
    expect(problems.map((p) => p.what)).toEqual([
      "node worker: TCP port 4000 is already bound on the node's network, and the run needs it for dfdaemon's upload server (peers fetch pieces here)",
      "node worker: TCP port 4001 is already bound on the node's network, and the run needs it for dfdaemon's proxy (the snapshotter's mirror)",
      "node worker: TCP port 4002 is already bound on the node's network, and the run needs it for dfdaemon's metrics",
      "node worker: TCP port 4003 is already bound on the node's network, and the run needs it for dfdaemon's health",
      "node worker: TCP port 4004 is already bound on the node's network, and the run needs it for dfdaemon's stats server",
      "node worker: TCP port 4005 is already bound on the node's network, and the run needs it for dfdaemon's storage server (TCP)",
      "node worker: UDP port 4006 is already bound on the node's network, and the run needs it for dfdaemon's storage server (QUIC)",
    ])
  })

  test('connections to a port are not a listener: only LISTEN sockets count for TCP', () => {
    const text = capture('running-d7y-standin-worker.txt')
    // the capture holds established connections from local port 41515 (A22B) as well as its listener
    expect(text).toMatch(/0100007F:A22B 0100007F:[0-9A-F]{4} 06/)
    const r = parseProbe(text)
    expect(r.tcp.filter((p) => p === 0xa22b)).toHaveLength(1)
    // a remote port seen only in connections is not bound here
    expect(r.tcp).not.toContain(0x192b)
  })

  test('the builder with the origin up: port 5000 is taken', () => {
    const r = parseProbe(capture('running-d7y-standin-control-plane.txt'))
    expect(r.tcp).toContain(5000)
    expect(probeProblems('cp', r, neededPorts('control-plane', 5000)).map((p) => p.what)).toEqual([
      "node cp: TCP port 5000 is already bound on the node's network, and the run needs it for the origin registry pod (hostNetwork)",
    ])
  })

  test('a node without /dev/fuse is refused with how to get it', () => {
    const r = parseProbe(capture('no-dev-fuse-d7y-standin-worker.txt'))
    expect(r.fuse).toBe(false)
    const problems = probeProblems('worker', r, [])
    expect(problems.map((p) => p.what)).toEqual([
      'node worker has no /dev/fuse: the stargz snapshotter mounts every lazily pulled layer through FUSE',
    ])
    expect(problems[0]!.fix).toMatch(/modprobe fuse/)
  })

  test('an output cut before its end judges nothing', () => {
    const text = capture('running-d7y-standin-worker.txt')
    const cut = text.slice(0, text.indexOf('\ntcp '))
    const r = parseProbe(cut)
    expect(r.complete).toBe(false)
    expect(probeProblems('worker', r, neededPorts('worker', 5000)).map((p) => p.what)).toEqual([
      'the probe pod on worker did not print all it reads',
    ])
  })
})
