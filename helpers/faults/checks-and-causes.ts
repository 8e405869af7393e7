// The fault catalog's fixed vocabulary: the checks judged on every fault's pull and the cause codes
// the diagnosis gives. A leaf (it imports nothing), so the fault result, and through it the run state
// in run/state.ts, can name them without importing the catalog's entry types (types.ts), which need
// the run context, the profiles and the chart's values.

/** The checks judged on every fault's pull. */
export const FAULT_CHECKS = [
  'stargz-plugin',
  'estargz-valid',
  'image-runs',
  'remote-snapshots',
  'via-dfdaemon',
  'task-succeeded',
  'single-back-to-source',
  'rootfs-content',
  'no-restarts',
] as const
export type FaultCheck = (typeof FAULT_CHECKS)[number]

/** Stable cause codes the diagnosis engine gives (helpers/faults/cause.ts). */
export const CAUSES = {
  none: 'nothing wrong: every check holds',
  'mirror-unreachable': "a worker's snapshotter could not reach its dfdaemon and fell back to the origin",
  'mirror-host-url': "the snapshotter's mirror host is written as a URL, so the snapshotter cannot use it",
  'upstream-unreachable':
    'dfdaemon could not fetch from the upstream its requests name (X-Dragonfly-Registry)',
  'rules-mismatch':
    "dfdaemon's proxy rules do not match blob URLs, so it proxies them straight to the origin",
  'scheduler-unreachable': 'dfdaemon could not reach the scheduler, so every node went back to source',
  'seed-peer-down': 'the seed peer is down, so the first nodes fetch from the origin themselves',
  'p2p-blocked': "peers could not reach each other's upload port, so pieces came from the origin",
  'fuse-missing': 'a worker has no /dev/fuse, so the snapshotter could not mount layers lazily',
  'stargz-plugin-missing': "containerd's config has no stargz proxy plugin",
  'snapshotter-down': 'the stargz snapshotter is not running',
  'not-estargz': 'the image under the eStargz tag is not eStargz',
  'toc-digest-mismatch': "a layer's TOC digest annotation does not match its TOC",
  'debug-log-missing': 'dfdaemon logs above debug, so the evidence of its work is missing',
  'origin-unavailable': 'the origin registry did not answer the pull',
  'prefetch-off': "dfdaemon's proxy prefetch is off, so no node fetched whole blobs through P2P",
  'content-corrupt':
    "a layer's bytes differ from its TOC's chunk digests, so files read through the lazily pulled rootfs fail or differ",
  'component-restarted': 'a Dragonfly component crashed and was restarted after it was ready',
  unknown: 'red checks whose evidence matches no known cause',
} as const
export type CauseCode = keyof typeof CAUSES

export interface Cause {
  code: CauseCode
  /** names the cause with the node and the evidence, e.g. "worker2's snapshotter fell back ..." */
  sentence: string
}
