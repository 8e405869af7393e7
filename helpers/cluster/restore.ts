// Putting a node of someone else's cluster back as it was found: the files the run replaced get their
// saved bytes and mode back, the files and directories it added go, the images it pulled go, the
// snapshotter is stopped and disabled, and containerd restarts on its own config again. The saved
// bytes are kept on this machine (backups.json beside the run's kubeconfig) until teardown is done.
import { exec, sh, type Node } from '../profiles/node.ts'
import { STARGZ_PATHS, STARGZ_UNIT } from '../stargz/install.ts'
import { STARGZ_SNAPSHOTTER } from '../stargz/plugin-check.ts'
import { waitFor } from '../base/wait.ts'
import { IMAGE_NAMESPACES, type NodeFootprint } from './node-footprint.ts'

/** base64 of each file present before the run, by path */
export type NodeBackup = Record<string, string>

export async function backupFiles(node: Node, before: NodeFootprint): Promise<NodeBackup> {
  const out: NodeBackup = {}
  for (const [p, s] of Object.entries(before.paths))
    if (s.kind === 'file')
      out[p] = (await exec(node, ['base64', '-w0', p], { timeoutMs: 5 * 60_000 })).stdout.trim()
  return out
}

/** What restoring means for one node, given the two readings: each action a line for the log. */
export function restorePlan(before: NodeFootprint, now: NodeFootprint) {
  const files: { path: string; action: 'remove' | 'put back' }[] = []
  const dirs: string[] = []
  for (const [p, was] of Object.entries(before.paths)) {
    const is = now.paths[p]
    if (!is) continue
    if (was.kind === 'absent' && is.kind === 'file') files.push({ path: p, action: 'remove' })
    else if (was.kind === 'absent' && is.kind === 'dir') dirs.push(p)
    else if (was.kind === 'file' && (is.kind !== 'file' || is.sha256 !== was.sha256 || is.mode !== was.mode))
      files.push({ path: p, action: 'put back' })
  }
  const images: Record<string, string[]> = {}
  for (const ns of IMAGE_NAMESPACES) {
    const had = new Set(before.images[ns] ?? [])
    const added = (now.images[ns] ?? []).filter((r) => !had.has(r))
    if (added.length) images[ns] = added
  }
  return { files, dirs, images }
}

/** Every stargz snapshot in every containerd namespace removed, children before parents (a few rounds). */
export const STARGZ_SNAPSHOTS_REMOVAL = `for ns in $(ctr namespaces ls -q); do
  for round in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    keys=$(ctr -n "$ns" snapshots --snapshotter ${STARGZ_SNAPSHOTTER} ls 2>/dev/null | awk 'NR>1 {print $1}')
    [ -n "$keys" ] || break
    for k in $keys; do ctr -n "$ns" snapshots --snapshotter ${STARGZ_SNAPSHOTTER} rm "$k" >/dev/null 2>&1 || true; done
  done
done`

export async function restoreNode(
  node: Node,
  before: NodeFootprint,
  now: NodeFootprint,
  backup: NodeBackup,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const plan = restorePlan(before, now)
  // containerd's own records of the snapshots the stargz snapshotter made (the CRI unpacked the
  // pause image and every pod's image with it while it was the CRI snapshotter): left behind, they
  // point at a snapshotter store that is gone, and the next sandbox on the node fails with "missing
  // parent … bucket: not found" (the stand-in's second run, 2026-12-06). Leaves first, until none.
  log(`${node.name}: removing the stargz snapshots from containerd's metadata`)
  await sh(node, STARGZ_SNAPSHOTS_REMOVAL, { timeoutMs })
  // then the snapshotter: its mounts hold the directories that go
  await sh(node, `systemctl disable --now ${STARGZ_UNIT} >/dev/null 2>&1 || true`)
  for (const [ns, refs] of Object.entries(plan.images)) {
    log(`${node.name}: ctr -n ${ns} images rm ${refs.join(' ')}`)
    await exec(node, ['ctr', '-n', ns, 'images', 'rm', '--sync', ...refs], { timeoutMs, allowFailure: true })
  }
  await sh(node, `grep ' ${STARGZ_PATHS.root}/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l`)
  for (const f of plan.files) {
    log(`${node.name}: ${f.action} ${f.path}`)
    if (f.action === 'remove') await exec(node, ['rm', '-f', f.path])
    else {
      const was = before.paths[f.path]
      const mode = was?.kind === 'file' ? was.mode : '644'
      await exec(node, ['sh', '-c', 'base64 -d > "$1" && chmod "$2" "$1"', 'restore', f.path, mode], {
        input: backup[f.path] ?? '',
      })
    }
  }
  for (const d of plan.dirs) {
    log(`${node.name}: remove ${d}`)
    await exec(node, ['rm', '-rf', d], { timeoutMs })
  }
  await sh(node, 'systemctl daemon-reload && systemctl restart containerd')
  await waitFor(
    `containerd on ${node.name} answering again`,
    async () => (await exec(node, ['ctr', 'version'], { allowFailure: true })).exitCode === 0,
    { timeoutMs, intervalMs: 1000 },
  )
}
