// reports/allure-results/environment.properties: the versions under test and the profile, shown by
// the Allure report beside the results (Java properties format, which Allure's reader parses).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Summary } from './summary.ts'

/** The environment entries in display order: profile first, then tools, chart, images. */
export function allureEnvironment(summary: Summary): [string, string][] {
  return [
    ['profile', summary.profile],
    ['run', summary.runId],
    ...Object.entries(summary.versions.tools).map(([k, v]): [string, string] => [`tool.${k}`, v]),
    ['chart.dragonfly', summary.versions.chart],
    ...Object.entries(summary.versions.images).map(([k, v]): [string, string] => [`image.${k}`, v]),
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
