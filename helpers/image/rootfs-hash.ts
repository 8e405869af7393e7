// The files a running container sees, hashed inside it: every regular file of its root filesystem
// (`find -xdev` stays off /proc, /sys and /dev) through `sha256sum`, with every read error kept. A
// lazily pulled rootfs answers these reads through the snapshotter's FUSE mount, chunk by chunk.
import type { Node } from '../profiles/node.ts'
import { runImage } from './nerdctl.ts'

/** The shell script run in the container (coreutils and findutils: every Debian image has both). */
export const HASH_ROOTFS_SCRIPT = 'find / -xdev -type f -print0 | xargs -0 -r sha256sum'

/**
 * A sample for the fault catalog's pulls (the whole rootfs takes ~36 s a pull through a cold cache):
 * every file of 1 MiB or more (most of the bytes, and the file the content-corrupt fault damages) and
 * every tenth file of the rest, in find's order. mawk is in every Debian image too.
 */
export const HASH_SAMPLE_SCRIPT =
  "{ find / -xdev -type f -size +1048575c; find / -xdev -type f | awk 'NR % 10 == 1'; } | sort -u | tr '\\n' '\\0' | xargs -0 -r sha256sum"

export type HashScope = 'all' | 'sample'

/** Files the container runtime mounts over the image's own: never read from the rootfs. */
export const RUNTIME_FILES: readonly string[] = ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']

export interface ReadError {
  path: string
  /** the tool's own words: "Input/output error", "Transport endpoint is not connected" */
  error: string
}

export interface RootfsHashes {
  /** path → "sha256:<hex>" of what the container read */
  digests: Map<string, string>
  errors: ReadError[]
  /** stderr lines that name no file: the tools failed */
  other: string[]
  /** nerdctl's own log lines (kept as evidence; its exit code and the files speak for the run) */
  runtime: string[]
}

// sha256sum escapes a name holding a backslash or newline and marks the line with a leading '\'.
function unescape(name: string): string {
  return name.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'))
}

const NERDCTL_LOG = /^time="[^"]*" level=/

/** Parses sha256sum's lines (stdout) and find's and sha256sum's complaints (stderr). */
export function parseRootfsHashes(stdout: string, stderr: string): RootfsHashes {
  const digests = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const m = /^(\\?)([0-9a-f]{64}) [ *](.*)$/.exec(line)
    if (!m) continue
    digests.set(m[1] ? unescape(m[3]!) : m[3]!, `sha256:${m[2]}`)
  }
  const errors: ReadError[] = []
  const other: string[] = []
  const runtime: string[] = []
  for (const line of stderr.split('\n').filter((l) => l.trim())) {
    // "sha256:" would not match: the tools name themselves before the first colon
    const m = /^(?:sha256sum|find): (?:'(.*)'|(\/.*?)): ([^:]+)$/.exec(line.trim())
    if (m) errors.push({ path: m[1] ?? m[2]!, error: m[3]! })
    // nerdctl's own log lines share stderr ("forward signal child exited ... ttrpc: closed" is
    // nerdctl's race with a container that just exited, measured on a healthy run)
    else if (NERDCTL_LOG.test(line)) runtime.push(line.trim())
    else other.push(line.trim())
  }
  return { digests, errors, other, runtime }
}

/** Runs a container of `ref` on `node` (stargz snapshotter) that hashes its whole root filesystem. */
export async function hashRootfs(
  node: Node,
  ref: string,
  scope: HashScope = 'all',
): Promise<{ node: string; exitCode: number; hashes: RootfsHashes; durationMs: number }> {
  const script = scope === 'all' ? HASH_ROOTFS_SCRIPT : HASH_SAMPLE_SCRIPT
  const r = await runImage(node, ref, 'stargz', ['sh', '-c', script])
  return {
    node: node.name,
    exitCode: r.exitCode,
    hashes: parseRootfsHashes(r.output, r.stderr),
    durationMs: r.durationMs,
  }
}
