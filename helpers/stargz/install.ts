// Installs the stargz snapshotter into a node the way the integration guide does by hand: binary,
// config.toml, systemd unit, containerd proxy plugin + CRI snapshotter, restart, wait until the
// snapshotter answers containerd through the plugin.
// The same code serves kind workers and local-profile nodes (both are systemd containers).
import { copyTo, exec, fileExists, readFile, sh, systemctl, writeFile, type Node } from '../profiles/node.ts'
import { STARGZ_PATHS as RENDERED_PATHS } from '../render/ports.ts'
import { reportedVersion } from '../base/version-parse.ts'
import { listStargzSnapshots, snapshotListArgv, stargzPlugin, STARGZ_SNAPSHOTTER } from './plugin-check.ts'
import { testImageRefs } from './test-image-refs.ts'
import { RUN_LABELS } from '../kind/cri-run.ts'
import { snapshotRows, unusedRemoteLayers } from './remote-layers.ts'
import { waitFor } from '../base/wait.ts'

// Binary and config paths are the renderers' (the unit file and the containerd patch name them too).
export const STARGZ_PATHS = {
  binary: RENDERED_PATHS.binary,
  config: RENDERED_PATHS.config,
  unit: '/etc/systemd/system/stargz-snapshotter.service',
  root: '/var/lib/containerd-stargz-grpc',
  /** the FUSE manager's log (recreated empty each time a manager starts) */
  fuseManagerLog: '/var/lib/containerd-stargz-grpc/stargz-fuse-manager.log',
  containerdConfig: '/etc/containerd/config.toml',
} as const

export const STARGZ_UNIT = 'stargz-snapshotter'

export interface StargzInstall {
  /** local path of containerd-stargz-grpc */
  binary: string
  /** config.toml text (rendered, or the user's own file) */
  config: string
  /** systemd unit text */
  unit: string
  /** also install the binary as the FUSE manager (config [fuse_manager], D7Y_STARGZ_FUSE_MANAGER) */
  fuseManager?: boolean
  /** merges the proxy plugin and CRI snapshotter settings into the node's containerd config */
  patchContainerdConfig: (existing: string, containerdMajor: number) => string
}

export async function containerdMajor(node: Node): Promise<number> {
  const r = await exec(node, ['containerd', '--version'])
  const said = reportedVersion(r.stdout)
  if (!said) throw new Error(`cannot read containerd's version in ${node.name}: ${r.stdout.trim()}`)
  return said.version.major
}

export async function installStargz(node: Node, install: StargzInstall, timeoutMs: number): Promise<void> {
  await copyTo(node, install.binary, STARGZ_PATHS.binary)
  await exec(node, ['chmod', '0755', STARGZ_PATHS.binary])
  if (install.fuseManager) {
    await copyTo(node, install.binary, RENDERED_PATHS.fuseManager)
    await exec(node, ['chmod', '0755', RENDERED_PATHS.fuseManager])
  }
  await writeFile(node, STARGZ_PATHS.config, install.config)
  await writeFile(node, STARGZ_PATHS.unit, install.unit)
  const existing = (await fileExists(node, STARGZ_PATHS.containerdConfig))
    ? await readFile(node, STARGZ_PATHS.containerdConfig)
    : ''
  await writeFile(
    node,
    STARGZ_PATHS.containerdConfig,
    install.patchContainerdConfig(existing, await containerdMajor(node)),
  )
  await systemctl(node, 'daemon-reload')
  await systemctl(node, 'enable', '--now', STARGZ_UNIT)
  await systemctl(node, 'restart', 'containerd')
  await waitForStargzPlugin(node, timeoutMs)
}

export { stargzPlugin }

/** Until the plugin is "ok" and a snapshot can be prepared through it (see plugin-check.ts). */
export async function waitForStargzPlugin(node: Node, timeoutMs: number): Promise<void> {
  await waitFor(
    `the stargz snapshotter to answer containerd in ${node.name} (ctr plugin ls; ${snapshotListArgv().join(' ')})`,
    async () => (await stargzPlugin(node)).status === 'ok' && (await listStargzSnapshots(node)).ok,
    { timeoutMs },
  )
}

/**
 * Clean image state for a cold pull: no images, no snapshots, no snapshotter caches. Stopping both
 * daemons first is the only way to drop the snapshotter's FUSE mounts and caches together.
 */
export async function resetImageState(node: Node, timeoutMs: number): Promise<void> {
  if (node.runsKubernetes) return resetTestImages(node, timeoutMs)
  await systemctl(node, 'stop', 'containerd')
  await systemctl(node, 'stop', STARGZ_UNIT)
  // stargz's FUSE manager (D7Y_STARGZ_FUSE_MANAGER) outlives the unit by design (KillMode=process)
  // and holds the mounts, its store and its log: a cold state needs it gone too. SIGTERM makes it
  // remove its socket and store before it exits.
  await sh(
    node,
    `pkill -TERM -f '^${RENDERED_PATHS.fuseManager}( |$)' || true
     for _ in $(seq 1 100); do pgrep -f '^${RENDERED_PATHS.fuseManager}( |$)' >/dev/null || exit 0; sleep 0.1; done
     echo 'the FUSE manager did not exit within 10 s of SIGTERM' >&2; exit 1`,
  )
  await sh(
    node,
    // Only mounts below the two state directories: they are themselves volume mounts, which must stay.
    `grep -E ' (/var/lib/containerd|${STARGZ_PATHS.root})/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l
     rm -rf /var/lib/containerd/* ${STARGZ_PATHS.root}/*`,
  )
  await systemctl(node, 'start', STARGZ_UNIT)
  await systemctl(node, 'start', 'containerd')
  await waitForStargzPlugin(node, timeoutMs)
}

/**
 * Cold state on a node whose containerd also runs the cluster (kind): wiping containerd would take
 * the kubelet's and Dragonfly's images with it (not pullable again on a machine without a
 * registry). So only the test images go (test-image-refs.ts says which, under every name), removed with their content and
 * snapshots (--sync runs containerd's GC, which unmounts their stargz layers), and the layers the
 * snapshotter committed itself that no namespace uses any more; then the snapshotter's fetch caches,
 * with it stopped. Its snapshot directories stay: pods use them.
 */
async function resetTestImages(node: Node, timeoutMs: number): Promise<void> {
  // The CRI run's Pods are deleted through the API at once (grace period 0), so the kubelet may not
  // have removed their sandboxes and containers yet; their snapshots would keep the layer mounted
  // (gate of 2026-12-05 12:24: the negative control ran on the Pods' layer). Removed as the kubelet would;
  // the kubelet may be removing the same sandbox meanwhile, so a failed removal counts only while the
  // sandbox is still there (gate of 2026-12-05 23:5x: one lost that race and the AFTER pull never ran).
  const runPods = Object.entries(RUN_LABELS).map(([k, v]) => `--label ${k}=${v}`)
  await sh(
    node,
    `for pod in $(crictl pods ${runPods.join(' ')} -q); do
       for try in 1 2 3 4 5; do
         crictl rmp -f "$pod" >/dev/null 2>/tmp/d7y-rmp.err && break
         crictl inspectp "$pod" >/dev/null 2>&1 || break
         [ "$try" = 5 ] && { cat /tmp/d7y-rmp.err >&2; exit 1; }
         sleep 1
       done
     done`,
  )
  for (const ns of ['default', 'k8s.io']) {
    const refs = testImageRefs((await exec(node, ['ctr', '-n', ns, 'images', 'ls'])).stdout)
    if (refs.length) await exec(node, ['ctr', '-n', ns, 'images', 'rm', '--sync', ...refs], { timeoutMs })
  }
  await removeUnusedRemoteLayers(node, timeoutMs)
  await systemctl(node, 'stop', STARGZ_UNIT)
  await sh(node, `rm -rf ${STARGZ_PATHS.root}/stargz/*`)
  await systemctl(node, 'start', STARGZ_UNIT)
  await waitForStargzPlugin(node, timeoutMs)
}

/** Layers the snapshotter committed itself that no containerd namespace uses (see remote-layers.ts). */
async function removeUnusedRemoteLayers(node: Node, timeoutMs: number): Promise<void> {
  const backend = ['ctr', '--address', RENDERED_PATHS.socket, 'snapshots']
  const used: string[] = []
  for (const ns of (await exec(node, ['ctr', 'namespaces', 'ls', '-q'])).stdout.split('\n').filter(Boolean)) {
    const listing = await exec(node, [
      'ctr',
      '-n',
      ns,
      'snapshots',
      '--snapshotter',
      STARGZ_SNAPSHOTTER,
      'ls',
    ])
    used.push(...snapshotRows(listing.stdout).map((r) => r.key))
  }
  const unused = unusedRemoteLayers(snapshotRows((await exec(node, [...backend, 'ls'])).stdout), used)
  for (const key of unused) await exec(node, [...backend, 'rm', key], { timeoutMs })
}

/** Replaces the snapshotter's config (e.g. switching the mirror) and restarts it from clean state. */
export async function switchStargzConfig(node: Node, config: string, timeoutMs: number): Promise<void> {
  await writeFile(node, STARGZ_PATHS.config, config)
  await resetImageState(node, timeoutMs)
}
