// The CRI path (kind): a Pod's pull is judged by the same evidence as the nerdctl pull, not by its
// output alone. A Pod whose layers fell back to overlayfs, or went straight to the origin, prints the
// same output; only the snapshotter's journal (remote snapshots in the CRI's namespace), dfdaemon's
// log and the origin's log tell them apart.
import type { Verdict } from './verdict.ts'

/** The containerd namespace the CRI pulls into. */
export const CRI_NAMESPACE = 'k8s.io'

/** What the CRI path's verdict is made of, in the order a reader follows a pull. */
export const CRI_PARTS = [
  'pod-output',
  'remote-snapshots',
  'via-dfdaemon',
  'task-succeeded',
  'single-back-to-source',
] as const
export type CriPart = (typeof CRI_PARTS)[number]

/** Green only when every part is; a red verdict names each failed part with its own diagnosis. */
export function criPath(parts: Record<CriPart, Verdict>): Verdict {
  const failed = CRI_PARTS.filter((p) => !parts[p].passed)
  const evidence = Object.fromEntries(
    CRI_PARTS.map((p) => [
      p,
      { passed: parts[p].passed, diagnosis: parts[p].diagnosis, evidence: parts[p].evidence },
    ]),
  )
  if (failed.length)
    return {
      passed: false,
      diagnosis: failed.map((p) => `${p}: ${parts[p].diagnosis}`).join(' | '),
      evidence,
    }
  return {
    passed: true,
    diagnosis: CRI_PARTS.map((p) => `${p}: ${parts[p].diagnosis}`).join(' | '),
    evidence,
  }
}
