// The peer-link probe's output, as captured from real nodes (fixtures/logs/p2p-blocked): every node's
// upload port behind an iptables DROP, and one dfdaemon stopped.
import { describe, expect, test } from 'vitest'
import { linkLine, parseProbeLine } from '../../../helpers/evidence/peer-links.ts'
import { capturedLinks, names } from './peer-link-captures.ts'

describe('parseProbeLine', () => {
  test('a connect that times out is a dropped link', () => {
    const links = capturedLinks('peer-links-dropped.txt')
    expect(links).toHaveLength(6)
    expect(links.every((l) => !l.ok)).toBe(true)
    expect(linkLine(links[0]!)).toBe(
      'control-plane → worker (172.18.0.3:4000): no answer within 3s (packets dropped)',
    )
  })

  test('a stopped dfdaemon is a refused link; the others connect', () => {
    const links = capturedLinks('peer-links-one-stopped.txt')
    expect(links.filter((l) => !l.ok).map(linkLine)).toEqual([
      'control-plane → worker2 (172.18.0.4:4000): Connection refused',
      'worker → worker2 (172.18.0.4:4000): Connection refused',
    ])
    expect(links.filter((l) => l.ok)).toHaveLength(4)
  })

  test('lines the probe did not write, and unknown targets, are ignored', () => {
    expect(parseProbeLine('bash: warning', 'worker', (a) => names[a], 3)).toBeUndefined()
    expect(parseProbeLine('10.0.0.9:4000 ok', 'worker', (a) => names[a], 3)).toBeUndefined()
  })
})
