import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../../helpers/run/config.ts'
import { chartFullname, chartPodLabels, labelSelector } from '../../../helpers/render/chart-labels.ts'
import { renderPeerService, type PeerService } from '../../../helpers/render/peer-service.ts'

describe('peer NodePort Service', () => {
  const svc = parse(renderPeerService(loadConfig({}))) as PeerService

  test('a NodePort Service in the dragonfly namespace', () => {
    expect(svc.kind).toBe('Service')
    expect(svc.spec.type).toBe('NodePort')
    expect(svc.metadata).toEqual({ name: 'peer', namespace: 'dragonfly-system' })
  })

  test('selects the labels the chart puts on client pods, without release', () => {
    expect(svc.spec.selector).toEqual({ app: 'dragonfly', component: 'client' })
    expect(svc.spec.selector).not.toHaveProperty('release')
  })

  test('proxy 4001 on NodePort 30950 and health 4003 on NodePort 30951', () => {
    const ports = svc.spec.ports.map((p) => [p.port, p.targetPort, p.nodePort])
    expect(ports).toEqual([
      [4001, 4001, 30950],
      [4003, 4003, 30951],
    ])
  })

  test("the chart's fullname rules decide the app label", () => {
    expect(chartFullname({ release: 'dragonfly' })).toBe('dragonfly')
    expect(chartFullname({ release: 'my-dragonfly-x' })).toBe('my-dragonfly-x')
    expect(chartFullname({ release: 'd7y' })).toBe('d7y-dragonfly')
    expect(chartFullname({ release: 'd7y', fullnameOverride: 'df' })).toBe('df')
    expect(chartFullname({ release: 'd7y', nameOverride: 'p2p' })).toBe('d7y-p2p')
    expect(labelSelector(chartPodLabels({ release: 'dragonfly' }, 'seed-client'))).toBe(
      'app=dragonfly,component=seed-client',
    )
  })
})
