// reports/allure-results/environment.properties: the versions under test and the profile, shown by
// the Allure report beside the results (Java properties format, which Allure's reader parses).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { componentsOf } from './profile-components.ts'
import type { Summary } from './summary.ts'

/** A version nothing in the run reported: the one configured (pinned or overridden), said as such. */
const pinned = (version: string) => `${version} (pinned)`

/**
 * The environment entries in display order: profile, run, then the profile's components only. A
 * tool's version is the one the run recorded for it (state.tools); one it did not record is marked.
 */
export function allureEnvironment(summary: Summary): [string, string][] {
  const components = componentsOf(summary.profile)
  const ran = new Map(summary.toolSources.map((t) => [t.name, t.version]))
  const tools = [...new Set([...components.tools, ...ran.keys()])].flatMap((name): [string, string][] => {
    const version = ran.get(name) ?? summary.versions.tools[name]
    if (version === undefined) return []
    return [[`tool.${name}`, ran.has(name) ? version : pinned(version)]]
  })
  return [
    ['profile', summary.profile],
    ['run', summary.runId],
    ...tools,
    ...(components.chart ? [['chart.dragonfly', pinned(summary.versions.chart)] as [string, string]] : []),
    ...components.images.flatMap((name): [string, string][] => {
      const ref = summary.versions.images[name]
      return ref === undefined ? [] : [[`image.${name}`, pinned(ref)]]
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
