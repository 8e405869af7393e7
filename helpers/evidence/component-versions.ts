// What ran, not what was pinned: each component's own version command, run where the component runs
// (in the nodes, in the registry container), recorded in the run state's tool entries. A pin can be
// wrong about what runs: Debian's docker-registry 2.8.2 stands in for the registry:2.8.3 image.
import type { OriginRegistry } from '../image/origin-registry.ts'
import { exec, type Node } from '../profiles/node.ts'
import { STARGZ_PATHS } from '../render/ports.ts'
import type { ToolInfo } from '../run/state.ts'
import { catalog } from '../tools/catalog.ts'
import { releaseOf, reportedVersion } from '../base/version-parse.ts'

export type RanVersion = NonNullable<ToolInfo['ran']>[number]

export interface VersionProbe {
  component: string
  /** the nodes it runs on */
  on: 'all' | Node['role']
  argv: string[]
}

/** In the nodes, on every profile. */
export const NODE_VERSION_PROBES: VersionProbe[] = [
  { component: 'containerd', on: 'all', argv: ['containerd', ...catalog.containerd.versionArgs] },
  { component: 'nerdctl', on: 'worker', argv: ['nerdctl', ...catalog.nerdctl.versionArgs] },
  { component: 'stargz', on: 'worker', argv: [STARGZ_PATHS.binary, ...catalog.stargz.versionArgs] },
]

/**
 * Dragonfly's daemons where the profile runs them: as systemd units in the nodes (local), or in the
 * chart's pods (kind: `dragonflyPodVersions`). Each profile asks them through its own `dragonflyVersions`.
 */
export const DRAGONFLY_NODE_PROBES: VersionProbe[] = [
  { component: 'scheduler', on: 'control-plane', argv: ['scheduler', ...catalog.scheduler.versionArgs] },
  { component: 'dfdaemon', on: 'all', argv: ['dfdaemon', ...catalog.dfdaemon.versionArgs] },
]

/**
 * The chart's pods: component label, container, and which tool's version its binary reports. The
 * scheduler's and manager's images keep their binary in /opt/dragonfly/bin, off PATH (their
 * entrypoint names it); the client image has dfdaemon on PATH.
 */
export const DRAGONFLY_POD_PROBES: { component: string; container: string; tool: string; argv: string[] }[] =
  [
    {
      component: 'scheduler',
      container: 'scheduler',
      tool: 'scheduler',
      argv: ['/opt/dragonfly/bin/scheduler', ...catalog.scheduler.versionArgs],
    },
    {
      component: 'manager',
      container: 'manager',
      tool: 'manager',
      argv: ['/opt/dragonfly/bin/manager', ...catalog.manager.versionArgs],
    },
    {
      component: 'seed-client',
      container: 'seed-client',
      tool: 'dfdaemon',
      argv: ['dfdaemon', ...catalog.dfdaemon.versionArgs],
    },
    {
      component: 'client',
      container: 'client',
      tool: 'dfdaemon',
      argv: ['dfdaemon', ...catalog.dfdaemon.versionArgs],
    },
  ]

/** The registry image's binary: `registry` in the official image, Debian's path in the local stand-in. */
export const REGISTRY_VERSION_COMMANDS = [
  ['registry', '--version'],
  ['/usr/bin/docker-registry', '--version'],
]

/** One probe's record: the version the output names, and the output itself (trimmed) for the reader. */
export function ranVersion(where: string, argv: readonly string[], ok: boolean, output: string): RanVersion {
  const text = output
    .trim()
    .replace(/\s*\n\s*/g, '; ')
    .slice(0, 300)
  const said = ok ? reportedVersion(output) : undefined
  return { where, command: argv.join(' '), ...(said ? { version: said.raw } : {}), output: text }
}

/**
 * The tool entries with what ran attached. Components that were not obtained by the suite (the
 * registry, kind's own containerd) get an entry of their own; `pinned` is what was asked for.
 */
export function withRanVersions(
  tools: ToolInfo[],
  ran: Map<string, RanVersion[]>,
  pinned: Record<string, string>,
): ToolInfo[] {
  const out = tools.map((t) => (ran.has(t.name) ? { ...t, ran: ran.get(t.name) } : t))
  for (const [name, records] of ran) {
    if (out.some((t) => t.name === name)) continue
    out.push({ name, version: pinned[name] ?? '', source: 'as found where it runs', path: '', ran: records })
  }
  return out
}

/** "registry: pinned 2.8.3, ran 2.8.2+ds1 in …" for every record whose release differs from the pin. */
export function versionMismatches(tools: ToolInfo[]): string[] {
  const out: string[] = []
  for (const t of tools) {
    const want = releaseOf(t.version)
    for (const r of t.ran ?? []) {
      const got = r.version ? releaseOf(r.version) : undefined
      if (want && got && got.compare(want) !== 0)
        out.push(`${t.name}: pinned ${t.version}, ran ${r.version} in ${r.where} (${r.command})`)
    }
  }
  return out
}

async function probeNode(node: Node, argv: readonly string[]): Promise<RanVersion> {
  try {
    const r = await exec(node, argv, { allowFailure: true, timeoutMs: 30_000 })
    return ranVersion(node.name, argv, r.exitCode === 0, `${r.stdout}\n${r.stderr}`)
  } catch (err) {
    return ranVersion(node.name, argv, false, (err as Error).message)
  }
}

async function probeRegistry(registry: RegistryProbe): Promise<RanVersion> {
  let last: RanVersion | undefined
  for (const argv of REGISTRY_VERSION_COMMANDS) {
    const r = await registry
      .exec(argv)
      .catch((err: Error) => ({ exitCode: 1, stdout: '', stderr: err.message }))
    last = ranVersion(registry.where, argv, r.exitCode === 0, `${r.stdout}\n${r.stderr}`)
    if (last.version) return last
  }
  return last!
}

/** The origin registry as its version probe needs it (image/origin-registry.ts). */
export type RegistryProbe = Pick<OriginRegistry, 'where' | 'exec'>

/** Runs these probes in the nodes their components run on. */
export async function probeNodes(nodes: Node[], probes: VersionProbe[]): Promise<Map<string, RanVersion[]>> {
  const ran = new Map<string, RanVersion[]>()
  for (const p of probes) {
    const targets = nodes.filter((n) => p.on === 'all' || n.role === p.on)
    ran.set(p.component, await Promise.all(targets.map((n) => probeNode(n, p.argv))))
  }
  return ran
}

/**
 * Runs every probe where its component runs (Dragonfly's through the profile: nodes or pods);
 * components with no answer anywhere are still listed.
 */
export async function collectRanVersions(
  nodes: Node[],
  registry: RegistryProbe | undefined,
  dragonfly: Map<string, RanVersion[]>,
): Promise<Map<string, RanVersion[]>> {
  const ran = await probeNodes(nodes, NODE_VERSION_PROBES)
  for (const [tool, records] of dragonfly) ran.set(tool, records)
  if (registry) ran.set('registry', [await probeRegistry(registry)])
  return ran
}
