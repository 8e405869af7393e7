// Collectors: fetch evidence text from where the profile keeps it and hand it to the pure parsers.
// Everything a check later judges comes from here, for one phase (a window starting at a mark).
import type { Profile } from '../profiles/profile.ts'
import { journal, type Node } from '../profiles/node.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import { fuseManagerLog } from '../stargz/background-fetch.ts'
import { STARGZ_UNIT } from '../stargz/install.ts'
import { summarizeDfdaemonLog, type DfdaemonLogSummary } from './dfdaemon-log.ts'
import { accountOrigin, parseManifest, type OriginReport } from './origin-accounting.ts'
import { dfdaemonTraffic, parsePromText, type DfdaemonTraffic } from './prom-metrics.ts'
import { registryRequests } from './registry-log.ts'
import { parseStargzJournal, type StargzJournalSummary } from './stargz-journal.ts'
import { taskIdOf } from './task-id.ts'

/** The task id dfdaemon gives a layer's blob (digest mode or URL mode, as the values configure). */
export function layerTaskId(
  registryHost: string,
  repository: string,
  digest: string,
  digestMode: boolean,
): string {
  return taskIdOf({
    url: `http://${registryHost}/v2/${repository}/blobs/${digest}`,
    enableTaskIdBasedBlobDigest: digestMode,
  })
}

export async function stargzEvidence(node: Node, since: string): Promise<StargzJournalSummary> {
  return parseStargzJournal(await journal(node, STARGZ_UNIT, since), await fuseManagerLog(node))
}

export async function dfdaemonEvidence(
  profile: Profile,
  node: Node,
  taskIds: string[],
  since?: string,
): Promise<DfdaemonLogSummary> {
  return summarizeDfdaemonLog(await profile.clientLogs(node, since), { taskIds })
}

export async function trafficOf(metricsText: string): Promise<DfdaemonTraffic> {
  return dfdaemonTraffic((await parsePromText(metricsText)).samples)
}

export async function originEvidence(
  registry: OriginRegistry,
  manifest: unknown,
  since: string,
): Promise<OriginReport> {
  return accountOrigin(registryRequests(await registry.logs(since)), parseManifest(manifest))
}
