// Reading versions, with `semver` doing the parsing: the versions a command's output names, the one
// it reports, and a version's release (x.y.z without pre-release) for comparisons.
import semver, { type SemVer } from 'semver'

/** Words of a version output; a version is never split by these. */
function tokens(output: string): string[] {
  return output.split(/[\s,;:()"'[\]]+/).filter(Boolean)
}

/** Every word that is a whole semantic version ("v2.2.1", "2.8.2+ds1"; not "v2.2.1.1", "go1.24.2"). */
export function versionsIn(output: string): SemVer[] {
  return tokens(output).flatMap((t) => semver.parse(t) ?? [])
}

/**
 * A word that starts with x.y.z but is no semantic version, as distributions print them
 * ("1.6.20~ds1"): its release. A word like "containerd/v2" or a commit hash is not one.
 */
function distributionVersion(token: string): SemVer | undefined {
  const c = semver.coerce(token)
  return c && token.replace(/^v/, '').startsWith(c.version) ? c : undefined
}

/**
 * What a version output says the version is: the first whole semantic version in it, else the first
 * distribution-style one; the word as printed (build metadata included) and its parsed form.
 */
export function reportedVersion(output: string): { raw: string; version: SemVer } | undefined {
  const words = tokens(output)
  for (const parse of [(t: string) => semver.parse(t) ?? undefined, distributionVersion]) {
    for (const raw of words) {
      const version = parse(raw)
      if (version) return { raw, version }
    }
  }
  return undefined
}

/** x.y.z of a version string ("v1.4.1-rc.1" → 1.4.1); undefined when it does not start with one. */
export function releaseOf(version: string): SemVer | undefined {
  const v = version.trim()
  const parsed = semver.parse(v) ?? distributionVersion(v)
  return parsed ? new semver.SemVer(`${parsed.major}.${parsed.minor}.${parsed.patch}`) : undefined
}
