// A container's whole log as the node keeps it. `kubectl logs` serves only the current file, and the
// runtime rotates a container's log at 10 MiB (kubelet's containerLogMaxSize default): dfdaemon at
// debug level writes that in minutes, so a pull's evidence could be cut in half by a rotation in
// its window (seen on the stand-in, 2026-12-06: worker2's log rotated at 09:13:09 during the CRI
// pull, its task's source download and finish went with the old file, and three checks said
// "nothing fetched from the source"). So the suite reads the files under /var/log/pods on the node
// (through the node's own access: the container engine on kind, the agent on a cluster): every
// rotated file and the current one, in order, the CRI prefix taken off.

/** The node's log directory of one container of a pod (kubelet's layout). */
export const podLogDir = (namespace: string, pod: string, uid: string, container: string) =>
  `/var/log/pods/${namespace}_${pod}_${uid}/${container}`

export const NO_LOG_DIR = 'd7y-no-log-dir'

/**
 * Prints each file of the directory after a `==> name` line, compressed ones decompressed; lines
 * whose UTC timestamp is before `since` (RFC 3339, second precision) are dropped on the node already
 * (others, e.g. a node clock with an offset, are left to parsePodLogFiles).
 */
export function podLogScript(dir: string, since?: string): string {
  const s = since ? since.replace(/Z$/, '') : ''
  return [
    `d='${dir}'`,
    `[ -d "$d" ] || { echo ${NO_LOG_DIR}; exit 0; }`,
    'for f in "$d"/*; do',
    '  echo "==> ${f##*/}"',
    '  case "$f" in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac |',
    `    awk -v s='${s}' 's == "" || substr($1, length($1)) != "Z" || $1 >= s'`,
    'done',
  ].join('\n')
}

const FILE_NAME = /^(\d+)\.log(?:\.(\d{8}-\d{6}))?(?:\.gz)?$/
const CRI_LINE = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/

/**
 * The messages of the script's output in the order they were written: each restart's files (0.log,
 * 1.log, …), within one its rotated files by date before the current one; partial lines (`P`)
 * joined; lines before `since` dropped. undefined: the node has no such directory.
 */
export function parsePodLogFiles(text: string, since?: string): string | undefined {
  if (text.trim() === NO_LOG_DIR) return undefined
  // rotated: the file's rotation time; the current file (none) after every rotated one
  const files: { restart: number; rotated: string; lines: string[] }[] = []
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('==> ')) {
      const m = FILE_NAME.exec(line.slice(4).trim())
      current = m ? [] : undefined
      if (m) files.push({ restart: Number(m[1]), rotated: m[2] ?? '99999999-999999', lines: current! })
      continue
    }
    current?.push(line)
  }
  files.sort((a, b) => a.restart - b.restart || (a.rotated < b.rotated ? -1 : a.rotated > b.rotated ? 1 : 0))
  const from = since ? Date.parse(since) : undefined
  const out: string[] = []
  let partial = ''
  for (const f of files)
    for (const line of f.lines) {
      const m = CRI_LINE.exec(line)
      if (!m) continue
      if (from !== undefined && Date.parse(m[1]!) < from) continue
      if (m[3] === 'P') {
        partial += m[4]
        continue
      }
      out.push(partial + m[4]!)
      partial = ''
    }
  return out.join('\n')
}
