// Can this Docker engine start kind's privileged node containers here? An engine before 23 asks the
// kernel for every capability for a --privileged container; from 23 on it grants the daemon's own
// set (moby 23.0 release notes). On a machine whose capability bounding set lacks some (this kind of
// machine lacks CAP_SYS_RESOURCE) the old engine fails every node with runc's "unable to apply caps:
// operation not permitted", minutes into cluster creation. Preflight says so before any work.
import semver from 'semver'
import type { PreflightProblem } from '../profiles/profile.ts'

/** Linux capabilities by number (include/uapi/linux/capability.h), as the kernel's names. */
const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
] // prettier-ignore

/** The first Docker engine that grants privileged containers the daemon's capabilities. */
export const PRIVILEGED_FROM = '23.0.0'

/**
 * Capabilities the kernel knows (0..cap_last_cap) that the bounding set (CapBnd of
 * /proc/self/status, hex) lacks, as CAP_ names; [] when either cannot be read.
 */
export function missingCapabilities(capBnd: string, capLastCap: string): string[] {
  const last = Number(capLastCap.trim())
  const hex = /^[0-9a-f]+$/i.exec(capBnd.trim())?.[0]
  if (!Number.isInteger(last) || last < 0 || !hex) return []
  const have = BigInt(`0x${hex}`)
  const missing: string[] = []
  for (let bit = 0; bit <= last; bit++)
    if (!(have & (1n << BigInt(bit)))) missing.push(`CAP_${CAPABILITIES[bit] ?? bit}`)
  return missing
}

/** The bounding set's hex mask from /proc/self/status text. */
export function capBoundingSet(status: string): string {
  return /^CapBnd:\s*([0-9a-f]+)$/im.exec(status)?.[1] ?? ''
}

/** A preflight problem when kind's Docker provider would meet an engine that cannot start its nodes. */
export function privilegedEngineProblem(input: {
  provider: 'docker' | 'podman'
  /** `docker version --format {{.Server.Version}}`, e.g. "20.10.24+dfsg1" */
  serverVersion: string
  missing: string[]
}): PreflightProblem | undefined {
  if (input.provider !== 'docker' || !input.missing.length) return undefined
  const version = semver.coerce(input.serverVersion)
  if (!version || semver.gte(version, PRIVILEGED_FROM)) return undefined
  return {
    what: `Docker ${input.serverVersion} cannot start kind's privileged node containers on this machine: before 23 it asks for every capability, and this machine's bounding set lacks ${input.missing.join(', ')}`,
    fix: "use Docker 23 or later, which grants privileged containers its own capabilities (on Debian 12: `bash .ci/docker-engine.sh start` runs Debian trixie's engine beside the system one; export the DOCKER_HOST it prints), or KIND_EXPERIMENTAL_PROVIDER=podman",
  }
}
