import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../../helpers/run/config.ts'
import { helmValues } from '../../../helpers/render/helm-values.ts'
import {
  renderScheduler,
  renderSchedulerDynconfig,
  schedulerArgs,
  schedulerConfig,
  type SchedulerFile,
} from '../../../helpers/render/scheduler-local.ts'

const values = helmValues(loadConfig({}))

describe('local profile: scheduler.yaml', () => {
  const file = parse(renderScheduler(values)) as SchedulerFile & Record<string, unknown>

  test('manager-less and without redis', () => {
    expect(file).not.toHaveProperty('manager')
    expect(file).not.toHaveProperty('database')
    expect(file.job).toEqual({ enable: false })
  })

  test('gRPC on 8002, metrics on ":8000" as the chart template renders them', () => {
    expect(file.server.port).toBe(8002)
    expect(file.metrics).toEqual({ enable: true, addr: ':8000', enableHost: false })
    expect(renderScheduler(values)).toMatch(/addr: ":8000"/)
  })

  test('console from the values', () => {
    expect(file.console).toBe(values.scheduler.config.console)
  })

  test('advertise IP when given', () => {
    expect(schedulerConfig(values, { advertiseIP: '172.18.0.2' }).server).toEqual({
      port: 8002,
      advertiseIP: '172.18.0.2',
      advertisePort: 8002,
    })
    expect(file.server).toEqual({ port: 8002 })
  })
})

describe("local profile: the scheduler's dynconfig", () => {
  test('the defaults the scheduler would generate, explicit', () => {
    expect(parse(renderSchedulerDynconfig())).toEqual({
      applications: [],
      seedPeerClusterConfig: { loadLimit: 2000 },
      schedulerClusterConfig: { candidateParentLimit: 3, filterParentLimit: 15 },
      schedulerClusterClientConfig: { loadLimit: 200 },
    })
  })

  test('its own path, apart from dfdaemon dynconfig.yaml', () => {
    expect(schedulerArgs()).toEqual([
      '--config=/etc/dragonfly/scheduler.yaml',
      '--dynconfig=/etc/dragonfly/scheduler-dynconfig.yaml',
    ])
  })
})
