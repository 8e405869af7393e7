// Does a binary's version output name the version we pinned? Pure, so it is tested on real outputs.
import semver from 'semver'
import { reportedVersion, versionsIn } from '../base/version-parse.ts'

/**
 * True when `output` names `version` as a whole semantic version: with or without the leading "v",
 * not as part of a longer one (2.2.1 does not match 2.2.10, 2.2.1.1 or 2.2.1-rc.1), and build
 * metadata after "+" is allowed ("v3.18.3+g6838ebc"). A pin that is no semantic version never matches.
 */
export function versionMatches(output: string, version: string): boolean {
  const want = semver.parse(version)
  return want !== null && versionsIn(output).some((v) => semver.eq(v, want))
}

/** The first non-empty line of a version output, for reports. */
export function firstLine(output: string): string {
  return (
    output
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  )
}

/**
 * The line of a version output worth showing: the one naming `version`, else the first that looks
 * like a version line, else the first line (scheduler prints "MajorVersion: 2" before "GitVersion: …").
 */
export function versionLine(output: string, version: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
  return (
    lines.find((l) => versionMatches(l, version)) ??
    lines.find((l) => /version/i.test(l) && reportedVersion(l) !== undefined) ??
    lines[0] ??
    ''
  )
}
