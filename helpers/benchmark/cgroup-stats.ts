// A container's memory and CPU straight from its cgroup, read on this machine. `docker stats` (Docker
// 20.10 on a cgroup v1 + unified hybrid host, as here) reads 0 B and 0 % for every container although
// the memory controller counts them: the cgroup's own files are the evidence `docker stats` would have
// summarised. Paths come from the container's init process (/proc/<pid>/cgroup), so the cgroup driver
// does not matter. Parsing is pure; readCgroupSample reads the files.
import { readFile } from 'node:fs/promises'
import path from 'node:path'

export interface CgroupPaths {
  /** memory usage in bytes (page cache included) */
  memory: string
  /** memory.stat, for the inactive file cache docker stats leaves out */
  memoryStat: string
  /** cumulative CPU time */
  cpu: string
  /** how the CPU file counts: cpuacct.usage in ns (v1), cpu.stat usage_usec (v2) */
  cpuUnit: 'ns' | 'usec-stat'
}

/**
 * A container's own cgroup from its init process's: up to the path segment that names the container
 * id (/docker/<id>, /system.slice/docker-<id>.scope). A node container's systemd moves itself into
 * <container>/init.scope, whose counters would hold systemd alone.
 */
export function containerCgroup(p: string, containerId: string): string {
  const parts = p.split('/')
  const at = parts.findIndex((s) => s.includes(containerId))
  return at < 0 ? p : parts.slice(0, at + 1).join('/')
}

/** Where a container's cgroup files are, from the text of its init process's /proc/<pid>/cgroup. */
export function cgroupPaths(
  procCgroup: string,
  containerId: string,
  root = '/sys/fs/cgroup',
): CgroupPaths | undefined {
  const v1 = new Map<string, string>()
  let unified: string | undefined
  for (const line of procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim())
    if (!m) continue
    const [, controllers = ''] = m
    const p = containerCgroup(m[2] ?? '', containerId)
    if (controllers === '') unified = p
    for (const c of controllers.split(',')) if (c) v1.set(c, p)
  }
  const mem = v1.get('memory')
  const cpu = v1.get('cpuacct')
  if (mem !== undefined && cpu !== undefined)
    return {
      memory: path.posix.join(root, 'memory', mem, 'memory.usage_in_bytes'),
      memoryStat: path.posix.join(root, 'memory', mem, 'memory.stat'),
      cpu: path.posix.join(root, 'cpuacct', cpu, 'cpuacct.usage'),
      cpuUnit: 'ns',
    }
  if (unified !== undefined && v1.size === 0)
    return {
      memory: path.posix.join(root, unified, 'memory.current'),
      memoryStat: path.posix.join(root, unified, 'memory.stat'),
      cpu: path.posix.join(root, unified, 'cpu.stat'),
      cpuUnit: 'usec-stat',
    }
  return undefined
}

/** CPU time in seconds from the CPU file's text. */
export function cpuSeconds(text: string, unit: CgroupPaths['cpuUnit']): number | undefined {
  if (unit === 'ns') {
    const n = Number(text.trim())
    return Number.isFinite(n) && text.trim() !== '' ? n / 1e9 : undefined
  }
  const m = /^usage_usec (\d+)$/m.exec(text)
  return m ? Number(m[1]) / 1e6 : undefined
}

/**
 * Memory in use as docker stats counts it: usage minus the inactive file cache (v1
 * total_inactive_file, v2 inactive_file), so image layers read once do not count as footprint.
 */
export function memoryInUse(usage: string, stat: string): number | undefined {
  const used = Number(usage.trim())
  if (usage.trim() === '' || !Number.isFinite(used)) return undefined
  const m = /^(?:total_inactive_file|inactive_file) (\d+)$/m.exec(stat)
  return Math.max(0, used - (m ? Number(m[1]) : 0))
}

export interface CgroupSample {
  memBytes: number
  cpuSeconds: number
  /** this machine's clock when read, ms */
  at: number
}

export async function readCgroupSample(p: CgroupPaths): Promise<CgroupSample | undefined> {
  const [mem, stat, cpu] = await Promise.all(
    [p.memory, p.memoryStat, p.cpu].map((f) => readFile(f, 'utf8')),
  ).catch(() => [])
  if (mem === undefined || stat === undefined || cpu === undefined) return undefined
  const memBytes = memoryInUse(mem, stat)
  const secs = cpuSeconds(cpu, p.cpuUnit)
  if (memBytes === undefined || secs === undefined) return undefined
  return { memBytes, cpuSeconds: secs, at: Date.now() }
}

/** CPU use between two samples in percent of one core (docker stats' convention). */
export function cpuPercent(before: CgroupSample, after: CgroupSample): number | undefined {
  const wall = (after.at - before.at) / 1000
  if (wall <= 0) return undefined
  return Math.max(0, ((after.cpuSeconds - before.cpuSeconds) / wall) * 100)
}
