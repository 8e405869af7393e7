// The workload that runs through an upgrade: a container of the eStargz image on every worker that has
// read only part of its image when the upgrade starts and keeps reading files it has not read yet, one
// at a time at a steady pace, printing every read's result. Python, because its interpreter and
// hashlib are in memory once started: when the rootfs goes away the reader still reports why.
import type { Node } from '../profiles/node.ts'
import { nerdctl } from '../image/nerdctl.ts'

export const READER_NAME = 'd7y-upgrade-reader'

// One line per read: R <tab> unix time <tab> ok <tab> sha256 hex <tab> path
//                 or R <tab> unix time <tab> err <tab> errno strerror <tab> path
// Files in path order, whole rootfs (one device), then again from the start.
const SCRIPT = `
import hashlib, os, sys, time
pace = float(sys.argv[1])
root = os.stat('/').st_dev
files = []
for d, dirs, names in os.walk('/'):
    dirs[:] = sorted(x for x in dirs if os.lstat(os.path.join(d, x)).st_dev == root)
    for n in sorted(names):
        p = os.path.join(d, n)
        try:
            if os.path.isfile(p) and not os.path.islink(p):
                files.append(p)
        except OSError:
            pass
print('FILES\\t%d' % len(files), flush=True)
while True:
    for p in files:
        t = time.time()
        try:
            h = hashlib.sha256()
            with open(p, 'rb') as f:
                for b in iter(lambda: f.read(1 << 20), b''):
                    h.update(b)
            print('R\\t%.3f\\tok\\t%s\\t%s' % (t, h.hexdigest(), p), flush=True)
        except OSError as e:
            print('R\\t%.3f\\terr\\t%s %s\\t%s' % (t, e.errno, e.strerror, p), flush=True)
        time.sleep(pace)
`

export interface Read {
  /** unix time in ms */
  at: number
  path: string
  ok: boolean
  /** "sha256:<hex>" when ok */
  digest?: string
  /** errno and strerror when not */
  error?: string
}

export interface ReaderLog {
  files?: number
  reads: Read[]
  /** lines that are not reads (the interpreter's own errors) */
  other: string[]
}

export function parseReaderLog(text: string): ReaderLog {
  const out: ReaderLog = { reads: [], other: [] }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const f = line.split('\t')
    if (f[0] === 'FILES' && f.length === 2) out.files = Number(f[1])
    else if (f[0] === 'R' && f.length === 5 && (f[2] === 'ok' || f[2] === 'err')) {
      const at = Math.round(Number(f[1]) * 1000)
      out.reads.push(
        f[2] === 'ok'
          ? { at, path: f[4]!, ok: true, digest: `sha256:${f[3]}` }
          : { at, path: f[4]!, ok: false, error: f[3]! },
      )
    } else out.other.push(line)
  }
  return out
}

export interface ReaderState {
  node: string
  id: string
  running: boolean
  startedAt: string
  restartCount: number
}

/** The reader's command line after the image reference (as `nerdctl run IMAGE ARGS...` and a Pod's args). */
export function readerArgs(paceSeconds: number): string[] {
  return ['python3', '-c', SCRIPT, String(paceSeconds)]
}

/** Starts the reader on `node` from `ref` (lazily pulled with the stargz snapshotter). */
export async function startReader(node: Node, ref: string, paceSeconds: number): Promise<string> {
  await nerdctl(node, ['rm', '-f', READER_NAME]).catch(() => undefined)
  const r = await nerdctl(node, [
    '--snapshotter',
    'stargz',
    'run',
    '-d',
    '--net',
    'host',
    '--name',
    READER_NAME,
    ref,
    ...readerArgs(paceSeconds),
  ])
  return r.stdout.trim()
}

/** Pulls `ref` with the stargz snapshotter (lazily: remote snapshots, fetched in the background). */
export async function pullLazily(node: Node, ref: string): Promise<void> {
  await nerdctl(node, ['--snapshotter', 'stargz', 'pull', '--quiet', ref])
}

export async function readerState(node: Node): Promise<ReaderState> {
  const r = await nerdctl(node, ['inspect', READER_NAME])
  const [c] = JSON.parse(r.stdout) as {
    Id: string
    RestartCount?: number
    State: { Running: boolean; StartedAt: string }
  }[]
  if (!c) throw new Error(`${node.name}: no container ${READER_NAME}`)
  return {
    node: node.name,
    id: c.Id,
    running: c.State.Running,
    startedAt: c.State.StartedAt,
    restartCount: c.RestartCount ?? 0,
  }
}

/** The reader's output as nerdctl keeps it (stdout: the reads; stderr: the interpreter's own errors). */
export async function readerLogText(node: Node): Promise<string> {
  const r = await nerdctl(node, ['logs', READER_NAME])
  return `${r.stdout}\n${r.stderr}`
}

export async function readerLog(node: Node): Promise<ReaderLog> {
  return parseReaderLog(await readerLogText(node))
}

export async function removeReader(node: Node): Promise<void> {
  await nerdctl(node, ['rm', '-f', READER_NAME]).catch(() => undefined)
}
