// What a person needs when a local-profile run fails, in one directory: each node's journals of
// the components under test, their configs, containerd's plugin list, and the origin registry's log.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { run } from '../base/exec.ts'
import type { Node } from '../profiles/node.ts'
import { STARGZ_UNIT } from '../stargz/install.ts'
import { UNITS } from './dragonfly.ts'

const NODE_ITEMS: { file: string; argv: string[] }[] = [
  { file: 'stargz-journal.txt', argv: ['journalctl', '--no-pager', '-o', 'short-iso', '-u', STARGZ_UNIT] },
  {
    file: 'containerd-journal.txt',
    argv: ['journalctl', '--no-pager', '-o', 'short-iso', '-u', 'containerd'],
  },
  ...Object.values(UNITS).map((u) => ({
    file: `${u}.log`,
    argv: ['journalctl', '--no-pager', '-o', 'cat', '-u', u],
  })),
  { file: 'containerd-config.toml', argv: ['cat', '/etc/containerd/config.toml'] },
  { file: 'stargz-config.toml', argv: ['cat', '/etc/containerd-stargz-grpc/config.toml'] },
  {
    file: 'dragonfly-configs.txt',
    argv: ['sh', '-c', 'for f in /etc/dragonfly/*.yaml; do echo "# $f"; cat "$f"; done'],
  },
  { file: 'ctr-plugins.txt', argv: ['ctr', 'plugin', 'ls'] },
  { file: 'mounts.txt', argv: ['cat', '/proc/mounts'] },
  { file: 'units.txt', argv: ['systemctl', '--no-pager', '--all', 'list-units'] },
]

export async function collectLocalDiagnostics(
  dir: string,
  nodes: Node[],
  registryContainer?: string,
): Promise<string[]> {
  const missing: string[] = []
  const save = async (file: string, argv: string[]) => {
    const r = await run(argv[0]!, argv.slice(1), { allowFailure: true, timeoutMs: 60_000 }).catch(
      (e: Error) => ({
        exitCode: -1,
        stdout: '',
        stderr: e.message,
      }),
    )
    if (r.exitCode !== 0) missing.push(`${file}: ${r.stderr.trim().split('\n').pop()}`)
    await writeFile(file, `${r.stdout}${r.stderr ? `\n# stderr\n${r.stderr}` : ''}`)
  }
  for (const node of nodes) {
    const nodeDir = path.join(dir, node.name)
    await mkdir(nodeDir, { recursive: true })
    for (const item of NODE_ITEMS)
      await save(path.join(nodeDir, item.file), ['docker', 'exec', node.container, ...item.argv])
  }
  if (registryContainer) await save(path.join(dir, 'registry.log'), ['docker', 'logs', registryContainer])
  await writeFile(path.join(dir, 'missing.txt'), missing.join('\n') + '\n')
  return missing
}
