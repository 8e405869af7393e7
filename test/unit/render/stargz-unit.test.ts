import { describe, expect, test } from 'vitest'
import { renderStargzUnit } from '../../../helpers/render/stargz-unit.ts'

/** section -> key -> values, from unit file text */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      current = new Map()
      sections.set(header[1] as string, current)
      continue
    }
    const eq = line.indexOf('=')
    if (!current || eq < 0) throw new Error(`bad line ${line}`)
    const key = line.slice(0, eq)
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)])
  }
  return sections
}

describe('stargz snapshotter systemd unit', () => {
  const unit = parseUnit(renderStargzUnit())

  test('notify service, restarted always, before containerd', () => {
    expect(unit.get('Service')?.get('Type')).toEqual(['notify'])
    expect(unit.get('Service')?.get('Restart')).toEqual(['always'])
    expect(unit.get('Unit')?.get('Before')).toEqual(['containerd.service'])
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target'])
  })

  test('debug logging (prepared remote snapshot is a debug line) and the config path', () => {
    const exec = unit.get('Service')?.get('ExecStart')?.[0]?.split(' ')
    expect(exec?.[0]).toBe('/usr/local/bin/containerd-stargz-grpc')
    expect(exec).toContain('--log-level=debug')
    expect(exec).toContain('--config=/etc/containerd-stargz-grpc/config.toml')
  })

  test('options change the command line', () => {
    const exec = parseUnit(renderStargzUnit({ binary: '/opt/bin/csg', logLevel: 'trace', config: '/c.toml' }))
      .get('Service')
      ?.get('ExecStart')
    expect(exec).toEqual(['/opt/bin/csg --log-level=trace --config=/c.toml'])
  })
})
