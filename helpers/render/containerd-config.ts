// The containerd change the guide makes by hand, as a merge into an existing config.toml (kind's own
// config is kept): register the stargz snapshotter as a proxy plugin and make it CRI's snapshotter,
// with snapshot annotations passed through (the snapshotter needs them to find the layers).
//
// Config version 2 (containerd 1.x; containerd 2.x migrates it on load), as kind v0.29.0 nodes ship:
//   [plugins."io.containerd.grpc.v1.cri".containerd] snapshotter, disable_snapshot_annotations
// Config version 3 (containerd 2.x): the CRI plugin is split and the image keys moved
// (containerd v2.2.1 internal/cri/config/config.go ImageConfig; plugins/cri/images/plugin.go
// configMigration copies them from the version 2 location):
//   [plugins."io.containerd.cri.v1.images"] snapshotter, disable_snapshot_annotations
// Both: [proxy_plugins.stargz] type = "snapshot", address = the snapshotter's socket.
// Comments of the existing file are not preserved (smol-toml parses to data).
import { parse, stringify, TomlDate, type TomlTable, type TomlValue } from 'smol-toml'
import { GENERATED_NOTICE, tomlText } from './format.ts'
import { STARGZ_PATHS } from './ports.ts'
import { releaseOf } from '../base/version-parse.ts'

export type ContainerdConfigVersion = 2 | 3

export const CRI_PLUGIN_V2 = 'io.containerd.grpc.v1.cri'
export const CRI_IMAGES_PLUGIN_V3 = 'io.containerd.cri.v1.images'

export interface ContainerdStargzOptions {
  /** version for a file that declares none and is empty (a fresh node); an error otherwise */
  defaultVersion?: ContainerdConfigVersion
  /** the proxy plugin's (and CRI's snapshotter) name, default `stargz` */
  snapshotter?: string
  /** the snapshotter's gRPC socket */
  address?: string
}

/** The config version a containerd release reads natively: 2 for 1.x, 3 for 2.x and later. */
export function configVersionForContainerd(containerdVersion: string): ContainerdConfigVersion {
  const release = releaseOf(containerdVersion)
  if (!release) throw new Error(`not a containerd version: ${containerdVersion}`)
  return release.major >= 2 ? 3 : 2
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof TomlDate)
}

/** The table at `path`, created when missing; an error when something else is in the way. */
function tableAt(root: TomlTable, path: string[]): TomlTable {
  let t = root
  for (const [i, key] of path.entries()) {
    const next = t[key]
    if (next === undefined) {
      const created: TomlTable = {}
      t[key] = created
      t = created
    } else if (isTable(next)) {
      t = next
    } else {
      throw new Error(`containerd config: ${path.slice(0, i + 1).join('.')} is not a table`)
    }
  }
  return t
}

/** The `version` a config text declares (undefined when it declares none). */
export function containerdConfigVersion(text: string): number | undefined {
  const v = parse(text).version
  return typeof v === 'number' ? v : undefined
}

export function mergeContainerdConfig(existing: string, options: ContainerdStargzOptions = {}): string {
  const doc = parse(existing)
  let version: ContainerdConfigVersion
  if (doc.version === undefined) {
    if (Object.keys(doc).length > 0 || options.defaultVersion === undefined)
      throw new Error(
        'containerd config declares no version (version 1): give a version 2 or 3 config, or an empty one with defaultVersion',
      )
    version = options.defaultVersion
    doc.version = version
  } else if (doc.version === 2 || doc.version === 3) {
    version = doc.version
  } else {
    throw new Error(`containerd config version ${String(doc.version)} is not supported (2 or 3)`)
  }

  const name = options.snapshotter ?? 'stargz'
  const proxy = tableAt(doc, ['proxy_plugins', name])
  proxy.type = 'snapshot'
  proxy.address = options.address ?? STARGZ_PATHS.socket

  const cri =
    version === 2
      ? tableAt(doc, ['plugins', CRI_PLUGIN_V2, 'containerd'])
      : tableAt(doc, ['plugins', CRI_IMAGES_PLUGIN_V3])
  cri.snapshotter = name
  cri.disable_snapshot_annotations = false

  const text = stringify(doc)
  return text.endsWith('\n') ? text : `${text}\n`
}

/** The merge for a node whose containerd major version is known (an empty file gets that version's format). */
export function mergeContainerdConfigForMajor(existing: string, containerdMajor: number): string {
  return mergeContainerdConfig(existing, { defaultVersion: containerdMajor >= 2 ? 3 : 2 })
}

/** The change alone, as a file of the given version (the committed examples). */
export function renderContainerdPatch(
  version: ContainerdConfigVersion,
  options: ContainerdStargzOptions = {},
): string {
  const merged = parse(mergeContainerdConfig('', { ...options, defaultVersion: version }))
  const runtime = version === 2 ? 'containerd 1.x; 2.x migrates it on load' : 'containerd 2.x'
  return tomlText(
    merged,
    `${GENERATED_NOTICE}\nThe stargz change for a version ${version} config (${runtime}).\n` +
      "The suite merges it into the node's existing config.toml with mergeContainerdConfig\n" +
      '(helpers/render/containerd-config.ts).',
  )
}
