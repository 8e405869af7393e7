// The pure command builders the profile runs and the plan prints.
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import {
  NAMED_BINARIES,
  chartSource,
  commandLine,
  copyIntoNode,
  docker,
  helm,
  kind,
  kube,
  kubectl,
  podProxyPath,
  type KindContext,
} from '../../../helpers/kind/commands.ts'
import { diagnosticsDir, kindLayout } from '../../../helpers/kind/layout.ts'

function ctx(env: Record<string, string> = {}, bin = NAMED_BINARIES): KindContext {
  const config = loadConfig({ D7Y_CACHE_DIR: '/c', ...env })
  return { config, bin, layout: kindLayout(config) }
}

describe('layout', () => {
  test('per-cluster files beside the tool cache; diagnostics under reports', () => {
    expect(kindLayout({ cacheDir: '/c', clusterName: 'x' })).toEqual({
      dir: '/c/kind/x',
      kindConfig: '/c/kind/x/kind-config.yaml',
      values: '/c/kind/x/values.yaml',
      peerService: '/c/kind/x/peer-service.yaml',
      managerBackends: '/c/kind/x/manager-backends.yaml',
      kubeconfig: '/c/kind/x/kubeconfig',
    })
    expect(diagnosticsDir({ reportsDir: 'reports' })).toBe('reports/diagnostics')
  })
})

describe('kind', () => {
  test('the obtained binaries are what runs', () => {
    const c = ctx({}, { kind: '/t/kind', helm: '/t/helm', kubectl: '/t/kubectl' })
    expect(kind.getClusters(c).file).toBe('/t/kind')
    expect(helm.upgradeInstall(c).file).toBe('/t/helm')
    expect(kube.apply(c, 'f.yaml').file).toBe('/t/kubectl')
  })

  test('create: name, rendered config, node image, the profile kubeconfig; deadline from the step timeout', () => {
    const c = ctx({ D7Y_STEP_TIMEOUT_MINUTES: '7' })
    const create = kind.createCluster(c, 'kindest/node:v1')
    expect(create.args).toEqual([
      'create', 'cluster', '--name', 'd7y-stargz', '--config', '/c/kind/d7y-stargz/kind-config.yaml',
      '--image', 'kindest/node:v1', '--kubeconfig', '/c/kind/d7y-stargz/kubeconfig',
    ]) // prettier-ignore
    expect(create.timeoutMs).toBe(7 * 60_000)
  })

  test('load, nodes, export, delete name the cluster', () => {
    const c = ctx({ D7Y_CLUSTER_NAME: 'other' })
    expect(kind.loadArchive(c, '/a.tar').args).toEqual(['load', 'image-archive', '/a.tar', '--name', 'other'])
    expect(kind.getNodes(c).args).toEqual(['get', 'nodes', '--name', 'other'])
    expect(kind.exportKubeconfig(c).args).toEqual([
      'export', 'kubeconfig', '--name', 'other', '--kubeconfig', '/c/kind/other/kubeconfig',
    ]) // prettier-ignore
    expect(kind.deleteCluster(c).args).toEqual([
      'delete',
      'cluster',
      '--name',
      'other',
      '--kubeconfig',
      '/c/kind/other/kubeconfig',
    ])
    expect(kind.exportLogs(c, '/d').args).toEqual(['export', 'logs', '/d', '--name', 'other'])
  })
})

describe('helm', () => {
  test('chart source: repository and pinned version, or a local path', () => {
    expect(chartSource(ctx())).toEqual([
      'dragonfly', '--repo', 'https://dragonflyoss.github.io/helm-charts/', '--version', '1.7.4',
    ]) // prettier-ignore
    expect(chartSource(ctx({ D7Y_CHART_PATH: '/x/dragonfly' }))).toEqual(['/x/dragonfly'])
  })

  test('upgrade --install into the namespace with the values file, never --wait', () => {
    const args = helm.upgradeInstall(ctx()).args
    expect(args.slice(0, 3)).toEqual(['upgrade', '--install', 'dragonfly'])
    expect(args).toEqual(expect.arrayContaining(['--namespace', 'dragonfly-system', '--create-namespace']))
    expect(args[args.indexOf('--values') + 1]).toBe('/c/kind/d7y-stargz/values.yaml')
    expect(args).not.toContain('--wait')
  })
})

describe('kubectl', () => {
  test('every call carries the profile kubeconfig', () => {
    expect(kubectl(ctx(), ['get', 'pods']).args).toEqual([
      '--kubeconfig',
      '/c/kind/d7y-stargz/kubeconfig',
      'get',
      'pods',
    ])
  })

  test('logs: container, since-time and previous when asked', () => {
    const args = kube.logs(ctx(), 'p', 'client', { sinceTime: '2026-01-01T00:00:00Z', previous: true }).args
    expect(args.slice(2)).toEqual([
      'logs', '--namespace', 'dragonfly-system', 'p', '-c', 'client', '--since-time=2026-01-01T00:00:00Z', '--previous',
    ]) // prettier-ignore
    expect(kube.logs(ctx(), 'p', 'client').args).not.toContain('--previous')
  })

  test("a component stopped and started as an operator does: StatefulSets scaled, a client's node tainted and its pod deleted", () => {
    const sel = 'app.kubernetes.io/instance=dragonfly,component=scheduler'
    expect(kube.scale(ctx(), sel, 0).args.slice(2)).toEqual([
      'scale', 'statefulset', '--namespace', 'dragonfly-system', '--selector', sel, '--replicas=0',
    ]) // prettier-ignore
    const taint = { key: 'd7y-conformance/dfdaemon-stopped', value: 'true', effect: 'NoSchedule' } as const
    expect(kube.taint(ctx(), 'w2', taint).args.slice(2)).toEqual([
      'taint', 'nodes', 'w2', 'd7y-conformance/dfdaemon-stopped=true:NoSchedule',
    ]) // prettier-ignore
    // kubectl removes by key and effect: a value in the removal is no taint it knows
    expect(kube.taint(ctx(), 'w2', taint, { remove: true }).args.slice(2)).toEqual([
      'taint', 'nodes', 'w2', 'd7y-conformance/dfdaemon-stopped:NoSchedule-',
    ]) // prettier-ignore
    expect(kube.deletePodsOn(ctx(), 'component=client', 'w2').args.slice(2)).toEqual([
      'delete', 'pods', '--namespace', 'dragonfly-system', '--selector', 'component=client',
      '--field-selector', 'spec.nodeName=w2', '--wait=true',
    ]) // prettier-ignore
  })

  test('pod metrics through the API server proxy', () => {
    expect(podProxyPath('ns', 'pod-1', 4002, '/metrics')).toBe(
      '/api/v1/namespaces/ns/pods/pod-1:4002/proxy/metrics',
    )
    expect(kube.raw(ctx(), '/x').args.slice(2)).toEqual(['get', '--raw', '/x'])
  })
})

describe('docker', () => {
  test("a node's role and IP on the kind network in one inspect", () => {
    expect(docker.nodeInfo('n').args).toEqual([
      'inspect',
      '--format',
      '{{index .Config.Labels "io.x-k8s.kind.role"}} {{(index .NetworkSettings.Networks "kind").IPAddress}}',
      'n',
    ])
  })

  test('copy into a node: parent directory, copy following symlinks, executable', () => {
    expect(copyIntoNode('n', '/cache/bin/nerdctl', '/usr/local/bin/nerdctl').map(commandLine)).toEqual([
      'docker exec n mkdir -p /usr/local/bin',
      'docker cp -L /cache/bin/nerdctl n:/usr/local/bin/nerdctl',
      'docker exec n chmod 0755 /usr/local/bin/nerdctl',
    ])
  })

  test('command lines quote what a shell would split', () => {
    expect(commandLine({ file: 'sh', args: ['-c', 'echo "$1"', 'a b'] })).toBe(`sh -c 'echo "$1"' 'a b'`)
  })
})
