// The configuration files in force on each node, read back from the node itself (not the text the
// suite meant to write): what a user's D7Y_VALUES or D7Y_STARGZ_CONFIG changed is visible here, and a
// red verdict can be read next to the config it ran under. Files a profile does not place on the node
// (e.g. dfdaemon's config inside a kind pod) are skipped.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { exec, type Node } from '../profiles/node.ts'
import { DRAGONFLY_PATHS } from '../render/ports.ts'
import { STARGZ_PATHS } from '../stargz/install.ts'

export const NODE_CONFIG_PATHS = [
  STARGZ_PATHS.config,
  STARGZ_PATHS.containerdConfig,
  DRAGONFLY_PATHS.dfdaemonConfig,
  DRAGONFLY_PATHS.schedulerConfig,
] as const

export interface NodeConfig {
  node: string
  path: string
  sha256: string
  content: string
}

export async function readNodeConfigs(nodes: Node[]): Promise<NodeConfig[]> {
  const out: NodeConfig[] = []
  for (const n of nodes)
    for (const p of NODE_CONFIG_PATHS) {
      const r = await exec(n, ['cat', p], { allowFailure: true })
      if (r.exitCode !== 0) continue
      out.push({
        node: n.name,
        path: p,
        sha256: createHash('sha256').update(r.stdout).digest('hex'),
        content: r.stdout,
      })
    }
  return out
}

/** Where a node's file goes under the reports directory: node-configs/<node>/<path without the leading />. */
export function reportPath(reportsDir: string, c: Pick<NodeConfig, 'node' | 'path'>): string {
  return path.join(reportsDir, 'node-configs', c.node, c.path.replace(/^\/+/, ''))
}

export function writeNodeConfigs(reportsDir: string, configs: NodeConfig[]): string[] {
  return configs.map((c) => {
    const file = reportPath(reportsDir, c)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, c.content)
    return file
  })
}
