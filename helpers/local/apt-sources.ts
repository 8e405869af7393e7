// Which Debian mirror debootstrap uses: the one this machine's apt already uses (so the suite names
// no mirror of its own and works where only a local mirror is reachable), or D7Y_DEBIAN_MIRROR.
// The parser is pure; debianMirror() reads /etc/apt.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

export interface AptSource {
  uri: string
  suites: string[]
  /** where it was read, for messages */
  file: string
}

/** `deb` lines of a one-line-style sources.list (`deb-src` and comments skipped). */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const out: AptSource[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    // deb [ option=value ... ] uri suite [component ...]
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line)
    if (m) out.push({ uri: m[1]!, suites: [m[2]!], file })
  }
  return out
}

/** Stanzas of a deb822 `.sources` file whose Types include `deb` and that are not disabled. */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = []
  const stanzas = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .split(/\n\s*\n/)
  for (const stanza of stanzas) {
    const fields = new Map<string, string>()
    let last: string | undefined
    for (const line of stanza.split('\n')) {
      if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)} ${line.trim()}`)
      else {
        const m = /^([\w-]+):\s*(.*)$/.exec(line)
        if (m) fields.set((last = m[1]!.toLowerCase()), m[2]!.trim())
      }
    }
    const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean)
    if (!words('types').includes('deb') || /^(no|false)$/i.test(fields.get('enabled') ?? '')) continue
    for (const uri of words('uris')) out.push({ uri, suites: words('suites'), file })
  }
  return out
}

// Debian's suite names (a Debian mirror serves every one of them); anything else (an Ubuntu archive, a
// vendor's repository) cannot bootstrap Debian.
const DEBIAN_SUITES =
  /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-backports|-proposed-updates)?$/
// apt's own transports debootstrap does not have (mirror+file: a list of mirrors in a file, tor+...).
const PLAIN_URI = /^(https?|file):/

/**
 * The mirror for `suite`: the first `deb` source that lists it; else the first that serves another
 * Debian suite (not its security archive); undefined when there is none, and debootstrap then uses
 * its own default. Only plain http(s)/file URIs: debootstrap has no `mirror+` method.
 */
export function pickMirror(sources: AptSource[], suite: string): string | undefined {
  const usable = sources.filter((s) => PLAIN_URI.test(s.uri))
  const pick =
    usable.find((s) => s.suites.includes(suite)) ??
    usable.find((s) => s.suites.some((x) => DEBIAN_SUITES.test(x)))
  return pick?.uri.replace(/\/+$/, '')
}

/** apt's own order: sources.list first, then sources.list.d in name order (*.list, *.sources). */
export function readAptSources(root = '/etc/apt'): AptSource[] {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8')
    } catch {
      return undefined
    }
  }
  const out: AptSource[] = []
  const main = path.join(root, 'sources.list')
  const mainText = read(main)
  if (mainText !== undefined) out.push(...parseOneLineSources(mainText, main))
  let entries: string[] = []
  try {
    entries = readdirSync(path.join(root, 'sources.list.d')).sort()
  } catch {
    // no sources.list.d
  }
  for (const name of entries) {
    const file = path.join(root, 'sources.list.d', name)
    const text = name.endsWith('.list') || name.endsWith('.sources') ? read(file) : undefined
    if (text === undefined) continue
    out.push(...(name.endsWith('.list') ? parseOneLineSources(text, file) : parseDeb822Sources(text, file)))
  }
  return out
}

/**
 * D7Y_DEBIAN_MIRROR, else the machine's apt mirror for `suite`; undefined lets debootstrap use its
 * own default.
 */
export function debianMirror(
  suite: string,
  env: NodeJS.ProcessEnv = process.env,
  aptRoot = '/etc/apt',
): string | undefined {
  return env.D7Y_DEBIAN_MIRROR || pickMirror(readAptSources(aptRoot), suite)
}
