// reports/allure-results/environment.properties: the versions under test and the profile, shown by
// the Allure report beside the results (Java properties format, which Allure's reader parses).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { componentsOf } from './profile-components.ts'
import { ranVersionOf } from './ran-versions.ts'
import type { Summary } from './summary.ts'

/** A version nothing in the run reported: the one configured (pinned or overridden), said as such. */
const pinned = (version: string) => `${version} (pinned)`

/**
 * The environment entries in display order: profile, run, then only what this run's profile runs.
 * A version is what the component said where it ran, else what the suite obtained for it
 * (state.tools); one nothing in the run confirmed is marked "(pinned)".
 */
export function allureEnvironment(summary: Summary): [string, string][] {
  const components = componentsOf(summary.profile)
  const entries = new Map(summary.toolSources.map((t) => [t.name, t]))
  const said = new Map([...entries].map(([name, t]) => [name, ranVersionOf(t)]))
  // the profile's tools, then anything else the run found running (the registry, kind's containerd)
  const names = [...new Set([...components.tools, ...[...said].filter(([, v]) => v).map(([n]) => n)])]
  const tools = names.flatMap((name): [string, string][] => {
    const t = entries.get(name)
    const version = said.get(name) ?? (t && !t.ran ? t.version : undefined)
    if (version) return [[`tool.${name}`, version]]
    const pin = t?.version || summary.versions.tools[name]
    return pin ? [[`tool.${name}`, pinned(pin)]] : []
  })
  return [
    ['profile', summary.profile],
    ['run', summary.runId],
    ...tools,
    ...(components.chart ? [['chart.dragonfly', pinned(summary.versions.chart)] as [string, string]] : []),
    ...components.images.flatMap((name): [string, string][] => {
      const ref = summary.versions.images[name]
      // an image whose component said what ran (the registry) is listed as a tool above
      return ref === undefined || said.get(name) ? [] : [[`image.${name}`, pinned(ref)]]
    }),
  ]
}

/** Java properties escaping: separators and specials in keys, backslashes, non-ASCII as \uXXXX. */
function escape(text: string, isKey: boolean): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (isKey && (ch === '=' || ch === ':' || ch === ' ' || ch === '#' || ch === '!')) out += `\\${ch}`
    else if (code < 0x20 || code > 0x7e)
      for (const unit of ch.split('')) out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
    else out += ch
  }
  // a leading blank in a value would be dropped by the reader
  return !isKey && out.startsWith(' ') ? `\\${out}` : out
}

export function propertiesText(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${escape(k, true)}=${escape(v, false)}\n`).join('')
}

/** Writes environment.properties into `resultsDir` and returns its path. */
export function writeAllureEnvironment(resultsDir: string, summary: Summary): string {
  mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, 'environment.properties')
  writeFileSync(file, propertiesText(allureEnvironment(summary)))
  return file
}
