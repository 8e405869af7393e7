// The diagnosis engine: from one pull's evidence (verdicts, the pull's own errors, the snapshotter's
// journal, dfdaemon's logs, the components' health at pull time, the origin's log) to one cause code
// and a sentence naming it. It never looks at which fault was injected: the catalog holds its answer
// against the entry's expected cause, so a cause it cannot read from the evidence is a misdiagnosis.
import type { Verdict } from '../checks/verdict.ts'
import type { RunOutcome } from '../image/nerdctl.ts'
import type { ComponentStatus } from '../profiles/profile.ts'
import type { PhaseEvidence } from '../run/pull-phase.ts'
import { linkLine, type PeerLink } from '../evidence/peer-links.ts'
import { DFDAEMON_PORTS } from '../render/ports.ts'
import type { Cause, FaultCheck } from './checks-and-causes.ts'

export interface CauseEvidence {
  verdicts: Record<FaultCheck, Verdict>
  outcomes: (RunOutcome & { node: string })[]
  evidence: PhaseEvidence
  /** Dragonfly's components as probed right before the pull */
  status: ComponentStatus[]
  /** task ids of the image's layers, as the values in force compute them */
  taskIds: string[]
  /** each peer's TCP reach to the others' upload port, tried right before the pull */
  links: PeerLink[]
}

const brief = (s: string, n = 200) => {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > n ? `…${t.slice(-n)}` : t
}

type Rule = (e: CauseEvidence) => Cause | undefined

/** The snapshotter's mirror: the node-local dfdaemon proxy. */
const MIRROR = `127.0.0.1:${DFDAEMON_PORTS.proxy}`

const RULES: Rule[] = [
  // The origin itself: the pull failed, and the origin's log shows nothing in the window.
  (e) => {
    const failed = e.outcomes.filter((o) => o.exitCode !== 0)
    const originSaw =
      e.evidence.origin.rows.reduce((a, r) => a + r.requests, 0) + e.evidence.origin.nonBlobRequests
    if (failed.length && originSaw === 0)
      return {
        code: 'origin-unavailable',
        sentence: `${failed.map((o) => o.node).join(', ')}: the pull failed (${brief(failed[0]!.stderr || failed[0]!.output)}) and the origin's log shows no request in the pull's window`,
      }
  },
  // containerd could not use the stargz snapshotter at all.
  (e) => {
    const failed = e.outcomes.filter((o) => o.exitCode !== 0 && /snapshotter/i.test(o.stderr))
    const o = failed[0]
    if (!o) return undefined
    if (/not loaded|does not exist|not found|unknown snapshotter/i.test(o.stderr))
      return {
        code: 'stargz-plugin-missing',
        sentence: `${o.node}: containerd has no stargz snapshotter (${brief(o.stderr)}): its config lacks the stargz proxy plugin`,
      }
    return {
      code: 'snapshotter-down',
      sentence: `${o.node}: containerd could not reach the stargz snapshotter (${brief(o.stderr)}): containerd-stargz-grpc is not serving its socket`,
    }
  },
  (e) => {
    const v = e.verdicts['stargz-plugin']
    if (v.passed) return undefined
    return /preparing a snapshot through the plugin/.test(v.diagnosis)
      ? {
          code: 'snapshotter-down',
          sentence: `the stargz snapshotter does not answer containerd: ${brief(v.diagnosis, 240)}`,
        }
      : {
          code: 'stargz-plugin-missing',
          sentence: `containerd lists no working stargz plugin: ${brief(v.diagnosis, 240)}`,
        }
  },
  // What the container read is not the image: files unreadable or different through the lazy rootfs.
  (e) => {
    const v = e.verdicts['rootfs-content']
    if (v.passed || !/unreadable|differ from the layers/.test(v.diagnosis)) return undefined
    const validator = e.verdicts['estargz-valid']
    return {
      code: 'content-corrupt',
      sentence: `${brief(v.diagnosis.split('. ')[0]!, 240)}${validator.passed ? '' : `; the validator: ${brief(validator.diagnosis, 200)}`}`,
    }
  },
  // The image is not what the tag promises.
  (e) => {
    const v = e.verdicts['estargz-valid']
    if (v.passed) return undefined
    if (/TOC digest mismatch/.test(v.diagnosis))
      return { code: 'toc-digest-mismatch', sentence: `the validator: ${brief(v.diagnosis, 260)}` }
    return { code: 'not-estargz', sentence: `the validator: ${brief(v.diagnosis, 260)}` }
  },
  // The snapshotter's own failures, in its journal.
  (e) => {
    for (const w of e.evidence.workers) {
      const failed = w.stargz.snapshots.filter((s) => s.outcome === 'failed')
      // not /fuse/: "refused" contains it
      const fuse = failed.find((s) => /\/dev\/fuse|fusermount|\bfuse\b/i.test(s.error ?? ''))
      if (fuse)
        return {
          code: 'fuse-missing',
          sentence: `${w.node}'s snapshotter could not mount the layer lazily and containerd pulled it whole: ${brief(fuse.error ?? '')}`,
        }
      const refused = failed.find((s) =>
        new RegExp(`${MIRROR}: connect: connection refused`).test(s.error ?? ''),
      )
      if (refused)
        return {
          code: 'mirror-unreachable',
          sentence: `${w.node}'s snapshotter fell back to the origin: dfdaemon on ${MIRROR} refused the connection (${brief(refused.error ?? '', 160)})`,
        }
      const url = failed.find((s) => /invalid destination|host \\?"[a-z]+:\/\//i.test(s.error ?? ''))
      if (url)
        return {
          code: 'mirror-host-url',
          sentence: `${w.node}'s snapshotter rejected its mirror, written as a URL, and containerd pulled the layer from the origin: ${brief(url.error ?? '')}`,
        }
    }
  },
  // Evidence that was never logged.
  (e) => {
    const silent = (['via-dfdaemon', 'task-succeeded', 'single-back-to-source'] as const)
      .map((c) => e.verdicts[c])
      .find((v) => /^cannot judge: dfdaemon on .* logged no DEBUG record/.test(v.diagnosis))
    if (silent) return { code: 'debug-log-missing', sentence: brief(silent.diagnosis, 260) }
  },
  // dfdaemon passed blob requests straight through: its rules did not match them.
  (e) => {
    for (const w of e.evidence.workers) {
      const blobs = w.dfdaemon.proxiedDirectly.filter(
        (r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.url),
      )
      const tasks = e.taskIds.filter((id) => w.dfdaemon.tasks[id])
      if (blobs.length && tasks.length === 0)
        return {
          code: 'rules-mismatch',
          sentence: `${w.node}'s dfdaemon proxied ${blobs.length} blob GET(s) straight to the origin without a task (e.g. ${blobs[0]!.url}): no proxy rule matched them`,
        }
    }
  },
  // A worker's dfdaemon was not there for its snapshotter.
  (e) => {
    const down = e.status.filter((s) => s.component === 'client' && !s.ok)
    const bypassed = e.evidence.workers.filter((w) => e.taskIds.every((id) => !w.dfdaemon.tasks[id]))
    const hit = down.find((s) => bypassed.some((w) => w.node === s.where))
    if (hit)
      return {
        code: 'mirror-unreachable',
        sentence: `${hit.where}'s snapshotter fell back to the origin: its dfdaemon was not serving (${brief(hit.detail)}) and saw no request for the image's layers`,
      }
  },
  // The scheduler or the seed peer was missing.
  (e) => {
    const s = e.status.find((c) => c.component === 'scheduler' && !c.ok)
    if (s)
      return {
        code: 'scheduler-unreachable',
        sentence: `the scheduler was not serving (${brief(s.detail)}); ${backToSourceNodes(e)}`,
      }
    const seed = e.status.find((c) => c.component === 'seed-peer' && !c.ok)
    if (seed)
      return {
        code: 'seed-peer-down',
        sentence: `the seed peer was not serving (${brief(seed.detail)}); ${backToSourceNodes(e)}`,
      }
  },
  // dfdaemon could not fetch from the upstream its requests named: every request of the task failed.
  (e) => {
    for (const w of e.evidence.workers)
      for (const id of e.taskIds) {
        const t = w.dfdaemon.tasks[id]
        if (t && t.failed > 0 && t.succeeded === 0)
          return {
            code: 'upstream-unreachable',
            sentence: `${w.node}'s dfdaemon failed all ${t.failed} request(s) for ${id.slice(0, 12)} at its upstream${t.urls[0] ? ` (${originOf(t.urls[0])})` : ''}: ${brief(t.errors[0] || 'no error text')}`,
          }
      }
  },
  // Peers could not reach each other's upload port while their dfdaemons were serving, and nodes
  // went to the source without a piece from a peer (the scheduler found no parent it could use).
  (e) => {
    const serving = new Set(e.status.filter((s) => s.ok).map((s) => s.where))
    const cut = e.links.filter((l) => !l.ok && serving.has(l.to))
    if (!cut.length) return undefined
    const alone = e.evidence.workers.filter((w) =>
      e.taskIds.some((id) => {
        const t = w.dfdaemon.tasks[id]
        return t && t.remotePeer.piecesFinished === 0 && t.backToSource.pieceNumbers.length > 0
      }),
    )
    if (!alone.length) return undefined
    return {
      code: 'p2p-blocked',
      sentence: `${alone.map((w) => w.node).join(', ')} took no piece from a peer and fetched from the source: ${cut.length} of ${e.links.length} peer link(s) to dfdaemon's upload port fail while those dfdaemons are healthy (${cut
        .slice(0, 2)
        .map(linkLine)
        .join('; ')})`,
    }
  },
  // Peers could not serve each other.
  (e) => {
    for (const w of e.evidence.workers)
      for (const id of e.taskIds) {
        const t = w.dfdaemon.tasks[id]
        if (t && t.remotePeer.piecesFailed > 0)
          return {
            code: 'p2p-blocked',
            sentence: `${w.node}'s dfdaemon failed ${t.remotePeer.piecesFailed} piece download(s) from parents (${brief(t.errors.find((x) => /parent|timeout|timed out|connect/i.test(x)) ?? t.errors[0] ?? 'no error text')}) and went to the source`,
          }
      }
  },
  // No background prefetch was asked for: nothing fetched whole blobs through P2P.
  (e) => {
    const w = e.evidence.workers.find((x) =>
      e.taskIds.some((id) => {
        const t = x.dfdaemon.tasks[id]
        return t && t.started > 0 && t.startedWithoutPrefetch === t.started && t.peerFinished === 0
      }),
    )
    if (w)
      return {
        code: 'prefetch-off',
        sentence: `${w.node}'s dfdaemon served every request without a background prefetch of the whole blob (prefetch: false in each request), so no node fetched whole layers through P2P`,
      }
  },
]

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

function backToSourceNodes(e: CauseEvidence): string {
  const nodes = e.evidence.workers.filter((w) =>
    e.taskIds.some((id) => {
      const t = w.dfdaemon.tasks[id]
      return t && (t.backToSource.needBackToSource > 0 || t.backToSource.pieceNumbers.length > 0)
    }),
  )
  return nodes.length
    ? `${nodes.map((w) => w.node).join(', ')} fetched pieces from the source themselves`
    : 'no node took pieces from peers'
}

export function diagnoseCause(e: CauseEvidence): Cause {
  for (const rule of RULES) {
    const cause = rule(e)
    if (cause) return cause
  }
  // Last: a crash explains nothing else that went red (a routing cause above names it first).
  const restarted = e.verdicts['no-restarts']
  if (restarted && !restarted.passed)
    return { code: 'component-restarted', sentence: brief(restarted.diagnosis, 300) }
  const red = Object.entries(e.verdicts).filter(([, v]) => !v.passed)
  if (red.length === 0) return { code: 'none', sentence: 'every check holds' }
  return {
    code: 'unknown',
    sentence: `the evidence matches no known cause; red: ${red.map(([c, v]) => `${c} (${brief(v.diagnosis, 120)})`).join('; ')}`,
  }
}
