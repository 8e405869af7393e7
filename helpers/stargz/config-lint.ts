// Lint of a user's own snapshotter config (D7Y_STARGZ_CONFIG), for the mistakes the integration
// guide invites (NOTES.md): a mirror host written as a URL, no X-Dragonfly-Registry header, no
// `insecure` for a plain-HTTP mirror. Warnings only: routing is still judged by evidence, so a
// config that lints clean but routes around Dragonfly fails, and one that lints dirty but works passes.
import { parse, type TomlTable, type TomlValue } from 'smol-toml'
import { DRAGONFLY_REGISTRY_HEADER } from '../render/stargz-config.ts'

export interface LintTarget {
  /** the registry as image references name it (the `resolver.host` key), e.g. reg:5000 */
  registry: string
  /** dfdaemon's proxy port: a mirror on it speaks plain HTTP */
  proxyPort: number
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

/** One line per problem, each with what the snapshotter then does; empty when none is found. */
export function lintStargzConfig(text: string, target: LintTarget): string[] {
  let doc: TomlTable
  try {
    doc = parse(text)
  } catch (err) {
    return [`not valid TOML (${(err as Error).message.split('\n')[0]}): the snapshotter will not start`]
  }
  const resolver = doc.resolver
  const hosts = isTable(resolver) ? resolver.host : undefined
  const entry = isTable(hosts) ? hosts[target.registry] : undefined
  const mirrors = isTable(entry) && Array.isArray(entry.mirrors) ? entry.mirrors.filter(isTable) : []
  if (mirrors.length === 0)
    return [
      `no [[resolver.host."${target.registry}".mirrors]]: layers of the registry under test are fetched straight from the origin, not through dfdaemon`,
    ]
  const out: string[] = []
  const blob = doc.blob
  if (!isTable(blob) || blob.force_single_range_mode !== true)
    out.push(
      'no force_single_range_mode = true under [blob]: dfdaemon answers only the first range of a multi-range request, so a read spanning chunks the snapshotter already holds fails ("failed to fetch region")',
    )
  for (const [i, m] of mirrors.entries()) {
    const host = typeof m.host === 'string' ? m.host : ''
    const at = `mirror ${i + 1} (host = ${JSON.stringify(host)})`
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase()
    if (scheme)
      out.push(
        `${at}: host must be host[:port], not a URL; the snapshotter cannot resolve it and the layers come from the origin (snapshotter 0.12 silently, 0.18 after "failed to resolve")`,
      )
    const authority = host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] ?? ''
    if (authority === target.registry) continue // a mirror that is the origin needs no Dragonfly header
    const headers = isTable(m.header) ? Object.keys(m.header) : []
    if (!headers.some((h) => h.toLowerCase() === DRAGONFLY_REGISTRY_HEADER.toLowerCase()))
      out.push(
        `${at}: no ${DRAGONFLY_REGISTRY_HEADER} header ([resolver.host."${target.registry}".mirrors.header] after this mirror); dfdaemon then sends the requests to its own proxy.registryMirror.addr, not to this registry`,
      )
    const plainHttp = scheme === 'http' || authority.endsWith(`:${target.proxyPort}`)
    if (plainHttp && m.insecure !== true)
      out.push(
        `${at}: plain HTTP but no insecure = true; the snapshotter speaks https to a mirror unless it is insecure (or a loopback host)`,
      )
  }
  return out
}
