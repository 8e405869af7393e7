// The peer-link probe's captured output (fixtures/logs/p2p-blocked) read back as links, for tests.
import { readFileSync } from 'node:fs'
import { parseProbeLine, type PeerLink } from '../../../helpers/evidence/peer-links.ts'

export const names: Record<string, string> = {
  '172.18.0.2:4000': 'control-plane',
  '172.18.0.3:4000': 'worker',
  '172.18.0.4:4000': 'worker2',
}

/** The capture file as links: `# from d7y-stargz-<name>` headers, then the probe's own lines. */
export function capturedLinks(file: string): PeerLink[] {
  let from = ''
  const links: PeerLink[] = []
  for (const line of readFileSync(
    new URL(`../../../fixtures/logs/p2p-blocked/${file}`, import.meta.url),
    'utf8',
  ).split('\n')) {
    const header = /^# from d7y-stargz-(\S+)/.exec(line)
    if (header) from = header[1]!
    else {
      const l = parseProbeLine(line, from, (a) => names[a], 3)
      if (l) links.push(l)
    }
  }
  return links
}
