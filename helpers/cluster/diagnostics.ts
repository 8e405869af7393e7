// The diagnostics bundle of a failed run on a cluster the suite did not create: the kind profile's
// API-side bundle (namespace overview, events, pod logs, metrics), the workers' journals and configs
// through their agent pods, and the origin registry pod's log.
import type { Config } from '../run/config.ts'
import { collectKindDiagnostics } from '../kind/diagnostics.ts'
import { ORIGIN_NAME } from '../render/origin-pod.ts'
import { clusterCommands } from './commands.ts'
import { foundStateFile, type ClusterFlow, type FoundState } from './flow.ts'
import { readFile } from 'node:fs/promises'

export async function collectClusterDiagnostics(dir: string, config: Config, f: ClusterFlow): Promise<void> {
  const found = JSON.parse(
    await readFile(foundStateFile(config), 'utf8').catch(() => '{"nodes":[]}'),
  ) as Pick<FoundState, 'nodes'>
  await collectKindDiagnostics(dir, config, {
    workers: found.nodes.filter((n) => n.role === 'worker'),
    registryLog: clusterCommands.registryLogs(f.ctx, ORIGIN_NAME),
  })
}
