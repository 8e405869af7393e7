// What a unit that keeps exiting said, on the real journal of scheduler v2.5.0 refusing --dynconfig.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { crashLoopMessage } from '../../../helpers/local/dragonfly.ts'

const journal = readFileSync(
  new URL('../../../fixtures/logs/scheduler-v2.5.0-dynconfig.txt', import.meta.url),
  'utf8',
)

describe('crashLoopMessage', () => {
  test('the unit’s own error lines, once each, without the journal prefix or systemd’s lines', () => {
    expect(crashLoopMessage('Dragonfly scheduler on cp', 3, journal, 'dragonfly-scheduler')).toBe(
      'Dragonfly scheduler on cp keeps exiting (systemd restarted it 3 times): Error: unknown flag: --dynconfig | ' +
        '2026-12-05T15:34:33.021Z        ERROR        cmd/root.go:88        unknown flag: --dynconfig | ' +
        '2026-12-05T15:34:35.172Z        ERROR        cmd/root.go:88        unknown flag: --dynconfig',
    )
  })

  test('no error line: where to look', () => {
    expect(crashLoopMessage('x', 4, 'Dec 05 15:39:00 cp systemd[1]: x.service: Failed\n', 'x')).toMatch(
      /see journalctl -u x$/,
    )
  })
})
