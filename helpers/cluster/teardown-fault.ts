// The fault entry of the nodes-as-found verdict (D7Y_TEARDOWN_FAULT=node-file-held): before teardown,
// a bind mount on the first worker holds a file the run added, as a mount left on a node does (a FUSE
// manager's mounts outlive the snapshotter), so teardown cannot remove it ("Device or resource
// busy"). The verdict must go red naming that node and that file; then the mount is released, the
// node put back again and read again, so the cluster is still left as found.
import { sh, type Node } from '../profiles/node.ts'
import { NERDCTL_PATH } from '../image/nerdctl.ts'
import { readReport, reportProblem } from './footprint-verdict.ts'

export const TEARDOWN_FAULT_REPORT = 'teardown-fault.json'

export interface TeardownFault {
  id: 'node-file-held'
  node: string
  path: string
}

export interface TeardownFaultResult extends TeardownFault {
  simulates: string
  /** the verdict went red and named the node and the held path */
  held: boolean
  /** what the verdict said with the file held */
  verdictWhileHeld: string
  /** the held node's differences then: the evidence */
  differencesWhileHeld: string[]
  /** the node's differences after the mount was released and the node put back again */
  afterRelease: string[]
}

/** The entry's target: the first worker by name, and the file the run added there (nerdctl). */
export function teardownFaultTarget(id: TeardownFault['id'], nodes: Node[]): TeardownFault | undefined {
  const worker = nodes.filter((n) => n.role === 'worker').sort((a, b) => a.name.localeCompare(b.name))[0]
  return worker ? { id, node: worker.name, path: NERDCTL_PATH } : undefined
}

export const simulates = (t: TeardownFault) =>
  `on ${t.node}, a bind mount holds ${t.path} (a file the run added) when teardown starts, so teardown cannot remove it`

export const holdFile = (node: Node, file: string) => sh(node, `mount --bind '${file}' '${file}'`)
export const releaseFile = (node: Node, file: string) =>
  sh(node, `while grep -q ' ${file} ' /proc/mounts; do umount '${file}'; done`)

/** Whether the verdict on the first reading after teardown went red for the held file on that node. */
export function judgeTeardownFault(
  t: TeardownFault,
  reportWhileHeld: { node: string; differences: string[] }[],
): { held: boolean; verdictWhileHeld: string; differencesWhileHeld: string[] } {
  const line = reportProblem(reportWhileHeld) ?? 'every node as found'
  const differencesWhileHeld = reportWhileHeld.find((r) => r.node === t.node)?.differences ?? []
  const named = differencesWhileHeld.some((d) => d.startsWith(`${t.path}:`))
  return {
    held: line.startsWith('NODES NOT AS FOUND') && named,
    verdictWhileHeld: line,
    differencesWhileHeld,
  }
}

/** undefined: the entry held (red while held, as found after release); else why not. */
export function teardownFaultProblem(id: string, reportText: string | undefined): string | undefined {
  if (reportText === undefined) return `teardown fault ${id}: no ${TEARDOWN_FAULT_REPORT}: it did not run`
  const r = JSON.parse(reportText) as TeardownFaultResult
  if (!r.held)
    return `teardown fault ${id} NOT HELD: with ${r.path} held on ${r.node} the nodes-as-found verdict said: ${r.verdictWhileHeld}`
  if (r.afterRelease.length)
    return `teardown fault ${id}: ${r.node} not as found after the mount was released: ${r.afterRelease.join('; ')}`
  return undefined
}

export function readTeardownFaultProblem(reportsDir: string, id: string): string | undefined {
  return teardownFaultProblem(id, readReport(reportsDir, TEARDOWN_FAULT_REPORT))
}
