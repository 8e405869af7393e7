// Where dfdaemon's log is, by client version, and the phase-mark time arithmetic.
import { describe, expect, test } from 'vitest'
import { clientLogSource, linesSince, toSinceTime, versionAtLeast } from '../../../helpers/kind/logs.ts'

describe('client log source', () => {
  test('console clients from v1.4.1 log to stdout; older ones, or without console, to the file', () => {
    expect(clientLogSource('v1.5.0', true)).toBe('stdout')
    expect(clientLogSource('v1.4.1', true)).toBe('stdout')
    expect(clientLogSource('1.4.1-rc.1', true)).toBe('stdout')
    expect(clientLogSource('v1.4.0', true)).toBe('file')
    expect(clientLogSource('v0.2.40', true)).toBe('file')
    expect(clientLogSource('v1.5.0', false)).toBe('file')
  })

  test('version comparison is numeric per part', () => {
    expect(versionAtLeast('v1.10.0', 'v1.9.9')).toBe(true)
    expect(versionAtLeast('v1.4.10', 'v1.4.9')).toBe(true)
    expect(versionAtLeast('v1.3.99', 'v1.4.0')).toBe(false)
    expect(() => versionAtLeast('latest', 'v1.0.0')).toThrow(/not a version: latest/)
  })
})

describe('since', () => {
  test('a node clock reading (no zone) is UTC; RFC 3339 passes through normalised', () => {
    expect(toSinceTime('2026-11-27 20:56:38')).toBe('2026-11-27T20:56:38Z')
    expect(toSinceTime('2026-11-27T20:56:38Z')).toBe('2026-11-27T20:56:38Z')
    expect(toSinceTime('2026-11-27T22:56:38+02:00')).toBe('2026-11-27T20:56:38Z')
    expect(() => toSinceTime('yesterday')).toThrow(/not a time/)
  })

  test('file log lines from the mark on, continuation lines with their line', () => {
    const log = [
      '2026-11-27T20:56:37.900000000Z  INFO download task started task_id="a"',
      '2026-11-27T20:56:38.000000001Z DEBUG download task succeeded task_id="a"',
      '  continuation of the line above',
      '2026-11-27T20:56:39.5Z  INFO download task started task_id="b"',
    ].join('\n')
    expect(linesSince(log, '2026-11-27 20:56:38').split('\n')).toEqual([
      '2026-11-27T20:56:38.000000001Z DEBUG download task succeeded task_id="a"',
      '  continuation of the line above',
      '2026-11-27T20:56:39.5Z  INFO download task started task_id="b"',
    ])
    expect(linesSince(log, '2026-11-28 00:00:00')).toBe('')
  })
})
