import { describe, expect, test } from 'vitest'
import { reportPath } from '../../../helpers/evidence/node-configs.ts'
import { RUN_OUTPUTS } from '../../../helpers/run/clear-reports.ts'

describe('node configs in the reports', () => {
  test('each node file keeps its path under node-configs/<node>/, which a new run clears', () => {
    expect(
      reportPath('reports', { node: 'd7y-stargz-worker', path: '/etc/containerd-stargz-grpc/config.toml' }),
    ).toBe('reports/node-configs/d7y-stargz-worker/etc/containerd-stargz-grpc/config.toml')
    expect(RUN_OUTPUTS).toContain('node-configs')
  })
})
