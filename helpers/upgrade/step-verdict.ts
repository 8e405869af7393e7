// One upgrade step judged by the workloads that ran through it: each reader is still the same
// container (same id, same start, no restart), every read during and after the step succeeded and
// returned the image's content, and each reader kept reading after the step. The sentence names the
// step and what the containers lost, e.g. "stargz v0.18.2 → v0.19.1: 2 of 2 running containers lost
// their root filesystem".
import type { Verdict } from '../checks/verdict.ts'
import { RUNTIME_FILES } from '../image/rootfs-hash.ts'
import { routesLine, type NodeRoutes } from './read-routes.ts'
import type { Read, ReaderState } from './reader.ts'

export interface StepWindow {
  /** unix ms: the step began (the first component was replaced) */
  start: number
  /** unix ms: every replaced component serves again */
  end: number
  /** unix ms: the observation after the step ended */
  observedUntil: number
}

export interface NodeReads {
  node: string
  before: ReaderState
  after: ReaderState | { error: string }
  reads: Read[]
}

export interface ReadCounts {
  ok: number
  failed: number
  /** ok reads whose content is not the image's */
  wrong: number
}

export interface NodeStepFigures {
  node: string
  during: ReadCounts
  after: ReadCounts
  sameContainer: boolean
  firstError?: { at: number; path: string; error: string }
  wrongFiles: string[]
}

export interface StepFigures {
  step: string
  durationMs: number
  nodes: NodeStepFigures[]
}

function count(reads: Read[], expected: Record<string, string>): ReadCounts & { wrongFiles: string[] } {
  const runtime = new Set(RUNTIME_FILES)
  const c = { ok: 0, failed: 0, wrong: 0, wrongFiles: [] as string[] }
  for (const r of reads) {
    if (!r.ok) c.failed++
    else if (!runtime.has(r.path) && expected[r.path] !== undefined && expected[r.path] !== r.digest) {
      c.wrong++
      c.wrongFiles.push(r.path)
    } else c.ok++
  }
  return c
}

export function stepFigures(
  step: string,
  window: StepWindow,
  nodes: NodeReads[],
  expected: Record<string, string>,
): StepFigures {
  return {
    step,
    durationMs: window.end - window.start,
    nodes: nodes.map((n) => {
      const during = count(
        n.reads.filter((r) => r.at >= window.start && r.at < window.end),
        expected,
      )
      const after = count(
        n.reads.filter((r) => r.at >= window.end && r.at <= window.observedUntil),
        expected,
      )
      const a = n.after
      const sameContainer =
        !('error' in a) &&
        a.running &&
        a.id === n.before.id &&
        a.startedAt === n.before.startedAt &&
        a.restartCount === n.before.restartCount
      const err = n.reads.find((r) => !r.ok && r.at >= window.start && r.at <= window.observedUntil)
      return {
        node: n.node,
        during: { ok: during.ok, failed: during.failed, wrong: during.wrong },
        after: { ok: after.ok, failed: after.failed, wrong: after.wrong },
        sameContainer,
        ...(err ? { firstError: { at: err.at, path: err.path, error: err.error ?? '' } } : {}),
        wrongFiles: [...during.wrongFiles, ...after.wrongFiles].slice(0, 10),
      }
    }),
  }
}

const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19)

/** `title`: "stargz v0.18.2 → v0.19.1" (with its configuration, e.g. "without the FUSE manager"). */
export function stepVerdict(
  title: string,
  figures: StepFigures,
  nodes: NodeReads[],
  routes: NodeRoutes[] = [],
): Verdict {
  const total = figures.nodes.length
  const lost = figures.nodes.filter((n) => n.during.failed + n.after.failed > 0)
  const moved = figures.nodes.filter((n) => !n.sameContainer)
  const wrong = figures.nodes.filter((n) => n.during.wrong + n.after.wrong > 0)
  const stalled = figures.nodes.filter((n) => n.sameContainer && n.after.ok + n.after.failed === 0)
  const problems: string[] = []
  // Reads failing after the step too: the rootfs is gone; failing only during it: reads were lost.
  const gone = lost.filter((n) => n.after.failed > 0)
  const dropped = lost.filter((n) => n.after.failed === 0)
  if (gone.length)
    problems.push(
      `${gone.length} of ${total} running containers lost their root filesystem (${gone
        .map(
          (n) =>
            `${n.node}: ${n.during.failed + n.after.failed} failed reads from ${iso(n.firstError!.at)}, ${n.firstError!.error} on ${n.firstError!.path}`,
        )
        .join('; ')})`,
    )
  if (dropped.length)
    problems.push(
      `${dropped.length} of ${total} running containers had reads fail during the step, then read again (${dropped
        .map(
          (n) =>
            `${n.node}: ${n.during.failed} failed from ${iso(n.firstError!.at)}, ${n.firstError!.error} on ${n.firstError!.path}`,
        )
        .join('; ')})`,
    )
  if (moved.length)
    problems.push(
      `${moved.length} of ${total} containers did not survive as they were (${moved
        .map((n) => {
          const a = nodes.find((x) => x.node === n.node)!.after
          return `${n.node}: ${'error' in a ? a.error : a.running ? 'restarted' : 'stopped'}`
        })
        .join('; ')})`,
    )
  if (wrong.length)
    problems.push(
      `${wrong.length} of ${total} containers read content that is not the image's (${wrong.map((n) => `${n.node}: ${n.wrongFiles.join(', ')}`).join('; ')})`,
    )
  if (stalled.length)
    problems.push(`${stalled.map((n) => n.node).join(', ')}: the reader read nothing after the step`)
  const reads = (n: NodeStepFigures) =>
    `${n.node} ${n.during.ok + n.during.failed} reads during (${n.during.failed} failed), ${n.after.ok + n.after.failed} after (${n.after.failed} failed)`
  const where = routes.length ? `. Bytes during the step and after: ${routes.map(routesLine).join('; ')}` : ''
  return {
    passed: problems.length === 0,
    diagnosis: problems.length
      ? `${title}: ${problems.join('; ')}${where}`
      : `${title}: ${total} of ${total} running containers kept their root filesystem; every read returned the image's content (${figures.nodes.map(reads).join('; ')}); step took ${(figures.durationMs / 1000).toFixed(1)} s${where}`,
    evidence: { ...figures, routes },
  }
}
