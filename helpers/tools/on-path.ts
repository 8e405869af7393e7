// Source 1: the tool is already installed on PATH with the pinned version.
import type { ResolvedBinary, ToolSpec } from './catalog.ts'
import { findOnPath } from './find-on-path.ts'
import { probeVersion } from './probe.ts'
import type { Attempt } from './types.ts'
import { versionLine, versionMatches } from './version-match.ts'

export async function fromPath(
  spec: ToolSpec,
  binaries: readonly ResolvedBinary[],
  version: string,
  pathVar: string | undefined,
): Promise<Attempt> {
  const [primary, ...rest] = binaries
  if (!primary) return { skipped: 'no binaries listed' }
  const found = findOnPath(primary.name, pathVar)
  if (!found) return { skipped: `${primary.name} is not on PATH` }
  const probe = await probeVersion(found, spec.versionArgs)
  const line = versionLine(probe.output, version)
  if (!probe.ok) return { skipped: `${found} ${spec.versionArgs.join(' ')} failed: ${line}` }
  if (!versionMatches(probe.output, version))
    return { skipped: `${found} is not ${version} (it says "${line}")` }
  const all: Record<string, string> = { [primary.name]: found }
  for (const b of rest) {
    const p = findOnPath(b.name, pathVar)
    if (p) all[b.name] = p
    else if (!b.optional) return { skipped: `${found} is ${version} but ${b.name} is not on PATH` }
  }
  return { found: { binaries: all, detail: found, versionOutput: line } }
}
