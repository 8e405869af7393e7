// Local-profile nodes: Docker containers shaped like kind nodes (systemd + containerd), built from
// Debian packages without pulling any image. Docker here refuses --privileged ("unable to apply
// caps": the bounding set lacks CAP_SYS_RESOURCE), so nodes get an explicit capability list.
import { RUN_LABEL, containerIp, ensureNetwork } from '../profiles/docker.ts'
import { run } from '../base/exec.ts'
import { waitForSystemd, type Node } from '../profiles/node.ts'
import { debian, ensureRootfsImage, type RootfsRecipe } from './rootfs-image.ts'

export const nodeRecipe = (): RootfsRecipe => ({
  repository: 'd7y-conformance/node',
  ...debian(),
  packages: [
    'systemd',
    'systemd-sysv',
    'dbus',
    'containerd',
    'runc',
    'fuse3',
    'iproute2',
    'ca-certificates',
    'procps',
    // the fault catalog's firewall rules between peers
    'iptables',
  ],
  // Units that have nothing to do in a container and only slow booting down.
  customize: 'systemctl mask getty.target console-getty.service systemd-udevd.service systemd-logind.service',
  changes: ['ENV container=docker', 'CMD ["/sbin/init"]'],
})

/** Every capability Docker 20.10 knows except SYS_RESOURCE, which this machine's bounding set lacks. */
export const NODE_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE',
  'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ',
] // prettier-ignore

export interface LocalClusterSpec {
  clusterName: string
  workers: number
  network: string
  runId: string
  image: string
  bootTimeoutMs: number
}

/** Node names as kind gives them: <cluster>-control-plane, <cluster>-worker, <cluster>-worker2, ... */
export function nodeNames(clusterName: string, workers: number): { name: string; role: Node['role'] }[] {
  const names: { name: string; role: Node['role'] }[] = [
    { name: `${clusterName}-control-plane`, role: 'control-plane' },
  ]
  for (let i = 1; i <= workers; i++)
    names.push({ name: `${clusterName}-worker${i === 1 ? '' : i}`, role: 'worker' })
  return names
}

/** docker run arguments for one node container. */
export function nodeRunArgs(spec: LocalClusterSpec, name: string): string[] {
  const volume = (what: string) => `${name}-${what}`
  return [
    'run', '-d', '--name', name, '--hostname', name,
    '--network', spec.network,
    '--label', `${RUN_LABEL}=${spec.runId}`,
    ...NODE_CAPABILITIES.flatMap((c) => ['--cap-add', c]),
    '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
    '--device', '/dev/fuse',
    '--tmpfs', '/run', '--tmpfs', '/tmp',
    '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw', '--cgroupns=host',
    '-e', 'container=docker',
    // overlayfs on the container's own overlay root fails with EINVAL: snapshot dirs live on volumes.
    '-v', `${volume('containerd')}:/var/lib/containerd`,
    '-v', `${volume('stargz')}:/var/lib/containerd-stargz-grpc`,
    spec.image,
  ] // prettier-ignore
}

export async function ensureNodeImage(workDir: string, log: (line: string) => void): Promise<string> {
  const { ref, built } = await ensureRootfsImage(nodeRecipe(), workDir, log)
  log(built ? `built node image ${ref}` : `reusing cached node image ${ref}`)
  return ref
}

export async function createLocalNodes(spec: LocalClusterSpec): Promise<Node[]> {
  await ensureNetwork(spec.network, spec.runId)
  const nodes: Node[] = []
  for (const { name, role } of nodeNames(spec.clusterName, spec.workers)) {
    for (const what of ['containerd', 'stargz'])
      await run('docker', ['volume', 'create', '--label', `${RUN_LABEL}=${spec.runId}`, `${name}-${what}`])
    await run('docker', nodeRunArgs(spec, name))
    nodes.push({ name, container: name, role, ip: await containerIp(name, spec.network) })
  }
  await Promise.all(nodes.map((n) => waitForSystemd(n, spec.bootTimeoutMs)))
  return nodes
}
