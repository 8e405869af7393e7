// The dry-run plan, step by step, against the integration guide with the corrections NOTES.md lists.
// Nothing may run while planning: the one process runner is replaced by one that fails the test.
import { parse as parseToml } from 'smol-toml'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse as parseYaml, parseAllDocuments } from 'yaml'
import { loadConfig, type Config } from '../../../helpers/run/config.ts'
import type { PlanStep } from '../../../helpers/kind/plan.ts'

const ran: string[] = []
vi.mock('../../../helpers/base/exec.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../helpers/base/exec.ts')>()
  const refuse = (file: string, args: readonly string[]) => {
    ran.push([file, ...args].join(' '))
    throw new Error('the plan must not run anything')
  }
  return { ...real, run: vi.fn(refuse), output: vi.fn(refuse) }
})

const { kindPlan, renderPlan } = await import('../../../helpers/kind/plan.ts')

const ENV = { D7Y_CACHE_DIR: '/cache' }
const config = (env: Record<string, string> = {}): Config => loadConfig({ ...ENV, ...env })

function stepOf(steps: PlanStep[], id: string): PlanStep {
  const s = steps.find((x) => x.step === id)
  if (!s) throw new Error(`no step ${id}`)
  return s
}

function file(step: PlanStep, suffix: string): string {
  const f = step.files.find((x) => x.path.endsWith(suffix))
  if (!f)
    throw new Error(`step ${step.step} writes no ${suffix}: ${step.files.map((x) => x.path).join(', ')}`)
  return f.content
}

const commands = (step: PlanStep): string[] => step.commands.filter((c) => !c.startsWith('#'))

describe('kind plan', () => {
  let steps: PlanStep[]
  beforeAll(async () => {
    steps = await kindPlan(config())
  })

  test('runs nothing', async () => {
    await kindPlan(config({ D7Y_REUSE_CLUSTER: 'true', D7Y_CHART_PATH: '/src/helm-charts/charts/dragonfly' }))
    expect(ran).toEqual([])
  })

  test('the guide in order, then evidence, the negative control, reset, diagnostics, teardown', () => {
    expect(steps.map((s) => s.step)).toEqual([
      'preflight',
      'cluster',
      'node-tools',
      'registry',
      'dragonfly',
      'peer-service',
      'stargz',
      'image',
      'run',
      'evidence',
      'negative-control',
      'reset',
      'diagnostics',
      'teardown',
    ])
    for (const s of steps) expect(s.commands.length, s.step).toBeGreaterThan(0)
  })

  test('preflight: probes only, creates nothing, points to the local profile when the node image is out of reach', () => {
    const pre = stepOf(steps, 'preflight')
    expect(pre.files).toEqual([])
    expect(commands(pre).some((c) => /\bcreate\b|\bapply\b|\binstall\b/.test(c))).toBe(false)
    expect(pre.commands.join('\n')).toContain('npm run conformance:local')
    expect(pre.commands.join('\n')).toMatch(/127\.0\.0\.1:4001[\s\S]*127\.0\.0\.1:4003/)
  })

  describe('cluster', () => {
    test('kind create with the pinned node image (by digest) and the rendered config', () => {
      const c = config()
      const pin = c.versions.images.kindNode
      const create = commands(stepOf(steps, 'cluster')).find((x) => x.startsWith('kind create cluster'))
      expect(create).toBe(
        `kind create cluster --name d7y-stargz --config /cache/kind/d7y-stargz/kind-config.yaml --image ${pin.repository}:${pin.tag}@${pin.digest} --kubeconfig /cache/kind/d7y-stargz/kubeconfig`,
      )
    })

    test('kind config: one control-plane, the configured workers, /dev/fuse in every worker', () => {
      const kc = parseYaml(file(stepOf(steps, 'cluster'), 'kind-config.yaml')) as {
        nodes: { role: string; image: string; extraMounts?: { hostPath: string; containerPath: string }[] }[]
      }
      expect(kc.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker'])
      for (const n of kc.nodes.filter((x) => x.role === 'worker'))
        expect(n.extraMounts).toContainEqual({ hostPath: '/dev/fuse', containerPath: '/dev/fuse' })
    })

    test('a node image override reaches both the flag and every node of the file', async () => {
      const image = 'kindest/node:v1.34.0@sha256:' + 'b'.repeat(64)
      const s = stepOf(await kindPlan(config({ D7Y_KIND_NODE_IMAGE: image })), 'cluster')
      expect(commands(s).find((x) => x.startsWith('kind create'))).toContain(`--image ${image}`)
      const kc = parseYaml(file(s, 'kind-config.yaml')) as { nodes: { image: string }[] }
      for (const n of kc.nodes) expect(n.image).toBe(image)
    })

    test('reuse: the kubeconfig of the existing cluster is exported', async () => {
      const s = stepOf(await kindPlan(config({ D7Y_REUSE_CLUSTER: 'true' })), 'cluster')
      expect(s.commands.join('\n')).toContain(
        'kind export kubeconfig --name d7y-stargz --kubeconfig /cache/kind/d7y-stargz/kubeconfig',
      )
    })

    test('nodes are read back from kind and docker (names, roles, IPs on the kind network)', () => {
      const cs = commands(stepOf(steps, 'cluster'))
      expect(cs).toContain('kind get nodes --name d7y-stargz')
      for (const n of ['d7y-stargz-control-plane', 'd7y-stargz-worker', 'd7y-stargz-worker2'])
        expect(cs.some((c) => c.startsWith('docker inspect') && c.endsWith(n) && c.includes('"kind"'))).toBe(
          true,
        )
    })
  })

  test('node tools: nerdctl copied into every node, nothing else', () => {
    const cs = commands(stepOf(steps, 'node-tools'))
    for (const n of ['d7y-stargz-control-plane', 'd7y-stargz-worker', 'd7y-stargz-worker2'])
      expect(cs).toContain(`docker cp -L /cache/tools/nerdctl/v2.1.3/bin/nerdctl ${n}:/usr/local/bin/nerdctl`)
    expect(cs.every((c) => c.includes('nerdctl') || c.includes('mkdir -p /usr/local/bin'))).toBe(true)
  })

  test('registry: the pinned registry image by digest, tagged for the registry chapter', () => {
    const c = config()
    const pin = c.versions.images.registry
    const cs = commands(stepOf(steps, 'registry'))
    expect(cs).toContain(`docker tag registry@${pin.digest} registry:${pin.tag}`)
    expect(cs.some((x) => x.startsWith(`docker pull registry@${pin.digest}`))).toBe(true)
  })

  describe('dragonfly', () => {
    test('helm installs the pinned chart version from the chart repository', () => {
      const install = commands(stepOf(steps, 'dragonfly')).find((c) => c.startsWith('helm '))
      expect(install).toBe(
        'helm upgrade --install dragonfly dragonfly --repo https://dragonflyoss.github.io/helm-charts/ --version 1.7.4 --namespace dragonfly-system --create-namespace --values /cache/kind/d7y-stargz/values.yaml --kubeconfig /cache/kind/d7y-stargz/kubeconfig --timeout 20m',
      )
    })

    test('D7Y_CHART_VERSION picks another chart version', async () => {
      const s = stepOf(await kindPlan(config({ D7Y_CHART_VERSION: '1.6.9' })), 'dragonfly')
      expect(commands(s).find((c) => c.startsWith('helm upgrade'))).toContain('--version 1.6.9')
    })

    test('a local chart checkout: dependencies fetched, the path installed, no --repo/--version', async () => {
      const checkout = mkdtempSync(path.join(os.tmpdir(), 'chart-'))
      const s = stepOf(await kindPlan(config({ D7Y_CHART_PATH: checkout })), 'dragonfly')
      const cs = commands(s)
      expect(cs).toContain(`helm dependency update ${checkout}`)
      const install = cs.find((c) => c.startsWith('helm upgrade'))!
      expect(install).toContain(`upgrade --install dragonfly ${checkout} --namespace`)
      expect(install).not.toMatch(/--repo|--version/)
    })

    test('a packaged chart (.tgz, or any file) carries its subcharts: no dependency update', async () => {
      const cs = commands(
        stepOf(await kindPlan(config({ D7Y_CHART_PATH: '/charts/dragonfly-1.7.4.tgz' })), 'dragonfly'),
      )
      expect(cs.some((c) => c.startsWith('helm dependency'))).toBe(false)
      expect(cs.find((c) => c.startsWith('helm upgrade'))).toContain(
        'dragonfly /charts/dragonfly-1.7.4.tgz --namespace',
      )
    })

    test('no helm --wait: readiness is watched through the API, workload by workload', () => {
      const s = stepOf(steps, 'dragonfly')
      expect(commands(s).find((c) => c.startsWith('helm upgrade'))).not.toContain('--wait')
      expect(s.commands).toContain(
        '# wait: every Deployment, StatefulSet and DaemonSet in dragonfly-system rolled out and ready (API, polled)',
      )
    })

    test('every image the values deploy is saved and kind-loaded, at the pinned (or overridden) tags', async () => {
      const cs = commands(stepOf(await kindPlan(config({ D7Y_DFDAEMON_VERSION: 'v1.5.1' })), 'dragonfly'))
      const save = cs.find((c) => c.startsWith('docker save') && c.includes('dragonfly-images.tar'))!
      for (const image of [
        'dragonflyoss/manager:v2.5.1',
        'dragonflyoss/scheduler:v2.5.1',
        'dragonflyoss/client:v1.5.1',
        // the init containers' pinned busybox, not the chart's default busybox:latest
        'busybox:1.36.1',
      ])
        expect(save).toContain(image)
      const loads = cs.filter((c) => c.startsWith('kind load'))
      expect(loads).toHaveLength(2)
      expect(loads[0]).toMatch(/^kind load image-archive \S+dragonfly-images\.tar --name d7y-stargz$/)
      // MariaDB and Redis are scheduled on the control-plane only, so only it gets their image
      expect(loads[1]).toMatch(
        /manager-backends-images\.tar --name d7y-stargz --nodes d7y-stargz-control-plane$/,
      )
    })

    test("the manager's MariaDB and Redis go in before the chart, which reaches them as external services", () => {
      const s = stepOf(steps, 'dragonfly')
      const cs = commands(s)
      const apply = cs.findIndex((c) => c.includes('apply -f') && c.endsWith('manager-backends.yaml'))
      expect(apply).toBeGreaterThan(-1)
      expect(apply).toBeLessThan(cs.findIndex((c) => c.startsWith('helm upgrade')))
      const v = parseYaml(file(s, 'values.yaml')) as {
        mysql: { enable: boolean }
        redis: { enable: boolean }
        externalMysql: { host: string; database: string }
        externalRedis: { addrs: string[] }
      }
      expect(v.mysql.enable).toBe(false)
      expect(v.redis.enable).toBe(false)
      expect(v.externalMysql.host).toBe('dragonfly-mariadb.dragonfly-system.svc.cluster.local')
      expect(v.externalRedis.addrs).toEqual(['dragonfly-redis.dragonfly-system.svc.cluster.local:6379'])
      // Kubernetes reads YAML 1.1: redis-server's "no" arguments must stay strings
      const backends = parseAllDocuments(file(s, 'manager-backends.yaml')).map(
        (d) =>
          d.toJS({}) as {
            kind: string
            spec?: { template: { spec: { containers: { command: unknown[] }[] } } }
          },
      )
      const redis = backends.find(
        (b) => b.kind === 'Deployment' && JSON.stringify(b).includes('redis-server'),
      )!
      expect(redis.spec!.template.spec.containers[0]!.command.every((a) => typeof a === 'string')).toBe(true)
      expect(file(s, 'manager-backends.yaml')).toContain('- "no"')
    })

    test('kind on podman: node commands through podman, a Docker network for the registry, its name in /etc/hosts', async () => {
      const p = await kindPlan(config({ KIND_EXPERIMENTAL_PROVIDER: 'podman' }))
      const cluster = commands(stepOf(p, 'cluster'))
      expect(cluster).toContain(
        'podman image exists kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f',
      )
      expect(cluster.some((c) => c.startsWith('podman pull docker.io/kindest/node:v1.33.1@sha256:'))).toBe(
        true,
      )
      expect(cluster.some((c) => c.startsWith('podman inspect') && c.endsWith('d7y-stargz-worker'))).toBe(
        true,
      )
      expect(cluster).toContain('docker network inspect kind')
      const tools = commands(stepOf(p, 'node-tools'))
      expect(tools.some((c) => c.startsWith('podman cp ') && !c.includes(' -L '))).toBe(true)
      const df = stepOf(p, 'dragonfly')
      expect(
        commands(df).filter((c) => c.startsWith('podman exec') && c.includes('/etc/hosts')),
      ).toHaveLength(3)
      const v = parseYaml(file(df, 'values.yaml')) as {
        client: { hostAliases: unknown }
        seedClient: { hostAliases: unknown }
      }
      expect(v.client.hostAliases).toEqual([{ ip: '<registry ip>', hostnames: ['d7y-stargz-registry'] }])
      expect(v.seedClient.hostAliases).toEqual(v.client.hostAliases)
      expect(commands(stepOf(p, 'stargz')).every((c) => !c.startsWith('docker exec'))).toBe(true)
    })

    test('values: debug logs for client and seed-client, hostNetwork clients, the origin as the mirror upstream', () => {
      const v = parseYaml(file(stepOf(steps, 'dragonfly'), 'values.yaml')) as {
        client: {
          hostNetwork: boolean
          config: {
            log: { level: string }
            proxy: { registryMirror: { addr: string }; rules: { regex: string }[] }
          }
        }
        seedClient: { config: { log: { level: string } } }
      }
      expect(v.client.config.log.level).toBe('debug')
      expect(v.seedClient.config.log.level).toBe('debug')
      expect(v.client.hostNetwork).toBe(true)
      expect(v.client.config.proxy.registryMirror.addr).toBe('http://d7y-stargz-registry:5000')
      expect(v.client.config.proxy.rules).toEqual([{ regex: 'blobs/sha256.*' }])
    })
  })

  test('peer Service: selects the client pods by app/component (no release label), NodePorts published as 4001/4003', () => {
    const s = stepOf(steps, 'peer-service')
    const svc = parseYaml(file(s, 'peer-service.yaml')) as {
      spec: { type: string; selector: Record<string, string>; ports: { port: number; nodePort: number }[] }
    }
    expect(svc.spec.type).toBe('NodePort')
    expect(svc.spec.selector).toEqual({ app: 'dragonfly', component: 'client' })
    expect(svc.spec.selector).not.toHaveProperty('release')
    expect(svc.spec.ports.map((p) => p.port)).toEqual([4001, 4003])
    expect(commands(s)).toEqual([
      'kubectl --kubeconfig /cache/kind/d7y-stargz/kubeconfig apply -f /cache/kind/d7y-stargz/peer-service.yaml',
    ])
    // the kind config maps those NodePorts to the host ports the guide uses
    const kc = parseYaml(file(stepOf(steps, 'cluster'), 'kind-config.yaml')) as {
      nodes: { extraPortMappings?: { containerPort: number; hostPort: number }[] }[]
    }
    const mapped = kc.nodes.flatMap((n) => n.extraPortMappings ?? [])
    for (const p of svc.spec.ports)
      expect(mapped).toContainEqual(expect.objectContaining({ containerPort: p.nodePort, hostPort: p.port }))
  })

  describe('stargz on every worker', () => {
    const s = () => stepOf(steps, 'stargz')

    test('only the workers get it', () => {
      const nodesTouched = new Set(s().files.map((f) => f.path.split(':')[0]))
      expect([...nodesTouched]).toEqual(['d7y-stargz-worker', 'd7y-stargz-worker2'])
    })

    test('mirror: host:port (no scheme) with insecure = true, the header table after its mirror entry', () => {
      const text = file(s(), 'd7y-stargz-worker:/etc/containerd-stargz-grpc/config.toml')
      const toml = parseToml(text) as {
        resolver: {
          host: Record<
            string,
            { mirrors: { host: string; insecure: boolean; header: Record<string, string[]> }[] }
          >
        }
      }
      const mirrors = toml.resolver.host['d7y-stargz-registry:5000']!.mirrors
      expect(mirrors).toEqual([
        {
          host: '127.0.0.1:4001',
          insecure: true,
          header: { 'X-Dragonfly-Registry': ['http://d7y-stargz-registry:5000'] },
        },
      ])
      expect(mirrors[0]!.host).not.toMatch(/^[a-z]+:\/\//)
      const entry = text.indexOf('[[resolver.host."d7y-stargz-registry:5000".mirrors]]')
      const header = text.indexOf('[resolver.host."d7y-stargz-registry:5000".mirrors.header]')
      expect(entry).toBeGreaterThanOrEqual(0)
      expect(header).toBeGreaterThan(entry)
    })

    test('the snapshotter runs with --log-level=debug, before containerd', () => {
      const unit = file(s(), 'd7y-stargz-worker:/etc/systemd/system/stargz-snapshotter.service')
      expect(unit).toMatch(
        /^ExecStart=\/usr\/local\/bin\/containerd-stargz-grpc --log-level=debug --config=\/etc\/containerd-stargz-grpc\/config.toml$/m,
      )
      expect(unit).toMatch(/^Before=containerd.service$/m)
      expect(unit).toMatch(/^Type=notify$/m)
    })

    test('containerd: the proxy plugin, stargz as CRI snapshotter, snapshot annotations passed through', () => {
      const toml = parseToml(file(s(), 'd7y-stargz-worker:/etc/containerd/config.toml')) as {
        proxy_plugins: Record<string, { type: string; address: string }>
        plugins: Record<
          string,
          { containerd: { snapshotter: string; disable_snapshot_annotations: boolean } }
        >
      }
      expect(toml.proxy_plugins.stargz).toEqual({
        type: 'snapshot',
        address: '/run/containerd-stargz-grpc/containerd-stargz-grpc.sock',
      })
      const cri = toml.plugins['io.containerd.grpc.v1.cri']!.containerd
      expect(cri.snapshotter).toBe('stargz')
      expect(cri.disable_snapshot_annotations).toBe(false)
    })

    test('binary copied, units reloaded, snapshotter enabled, containerd restarted, plugin awaited', () => {
      const cs = s().commands.filter((c) => c.includes('d7y-stargz-worker2'))
      const at = (re: RegExp) => cs.findIndex((c) => re.test(c))
      expect(
        at(/docker cp -L \/cache\/tools\/stargz\/v0\.18\.2\/bin\/containerd-stargz-grpc/),
      ).toBeGreaterThanOrEqual(0)
      expect(at(/systemctl daemon-reload/)).toBeLessThan(at(/enable --now stargz-snapshotter/))
      expect(at(/enable --now stargz-snapshotter/)).toBeLessThan(at(/systemctl restart containerd/))
      expect(at(/restart containerd/)).toBeLessThan(at(/# wait: .*ctr plugin ls/))
    })
  })

  test('image: converted with nerdctl image convert --estargz --oci, both forms pushed', () => {
    const cs = commands(stepOf(steps, 'image'))
    expect(cs).toContain(
      'docker exec d7y-stargz-control-plane /usr/local/bin/nerdctl --insecure-registry image convert --estargz --oci d7y-stargz-registry:5000/conformance/python:1 d7y-stargz-registry:5000/conformance/python:1-esgz',
    )
    expect(cs.filter((c) => / push /.test(c))).toHaveLength(2)
  })

  describe('run', () => {
    test('nerdctl with the stargz snapshotter on every worker', () => {
      const cs = commands(stepOf(steps, 'run'))
      for (const w of ['d7y-stargz-worker', 'd7y-stargz-worker2'])
        expect(cs).toContain(
          `docker exec ${w} /usr/local/bin/nerdctl --insecure-registry --snapshotter stargz run --rm --net host d7y-stargz-registry:5000/conformance/python:1-esgz python3 -V`,
        )
    })

    test('CRI: a plain-HTTP hosts.toml per worker and a pod pinned to each worker', () => {
      const s = stepOf(steps, 'run')
      const hosts = parseToml(
        file(s, 'd7y-stargz-worker:/etc/containerd/certs.d/d7y-stargz-registry:5000/hosts.toml'),
      )
      expect(hosts).toEqual({
        server: 'http://d7y-stargz-registry:5000',
        host: { 'http://d7y-stargz-registry:5000': { capabilities: ['pull', 'resolve'] } },
      })
      const pods = s.files
        .filter((f) => f.path.startsWith('(API)'))
        .map(
          (f) =>
            parseYaml(f.content) as {
              spec: {
                nodeName: string
                restartPolicy: string
                containers: { image: string; args: string[] }[]
              }
            },
        )
      expect(pods.map((p) => p.spec.nodeName)).toEqual(['d7y-stargz-worker', 'd7y-stargz-worker2'])
      for (const p of pods) {
        expect(p.spec.restartPolicy).toBe('Never')
        expect(p.spec.containers[0]).toMatchObject({
          image: 'd7y-stargz-registry:5000/conformance/python:1-esgz',
          args: ['python3', '-V'],
        })
      }
    })
  })

  describe('evidence', () => {
    test('clients from v1.4.1 log to stdout: kubectl logs -c client --since-time, metrics through the API proxy', () => {
      const cs = commands(stepOf(steps, 'evidence'))
      expect(cs).toContain(
        "kubectl --kubeconfig /cache/kind/d7y-stargz/kubeconfig logs --namespace dragonfly-system '<client pod on d7y-stargz-worker>' -c client '--since-time=<phase mark, RFC 3339>'",
      )
      expect(cs).toContain(
        "kubectl --kubeconfig /cache/kind/d7y-stargz/kubeconfig get --raw '/api/v1/namespaces/dragonfly-system/pods/<client pod on d7y-stargz-worker>:4002/proxy/metrics'",
      )
      expect(cs.some((c) => c.includes('/var/log/dragonfly/dfdaemon'))).toBe(false)
      expect(cs.some((c) => c.includes('journalctl') && c.includes('-u stargz-snapshotter'))).toBe(true)
    })

    test('older clients write /var/log/dragonfly/dfdaemon/*.log: read in the node, else in the pod', async () => {
      const cs = commands(stepOf(await kindPlan(config({ D7Y_DFDAEMON_VERSION: 'v1.4.0' })), 'evidence'))
      expect(
        cs.some(
          (c) =>
            c.startsWith('docker exec d7y-stargz-worker sh -c') &&
            c.includes('/var/log/dragonfly/dfdaemon/*.log'),
        ),
      ).toBe(true)
      expect(cs.some((c) => c.startsWith('kubectl') && c.includes(' logs '))).toBe(false)
    })
  })

  test('negative control: the mirror pointed straight at the origin', () => {
    const toml = parseToml(
      file(stepOf(steps, 'negative-control'), 'd7y-stargz-worker:/etc/containerd-stargz-grpc/config.toml'),
    ) as {
      resolver: { host: Record<string, { mirrors: { host: string; insecure: boolean }[] }> }
    }
    expect(toml.resolver.host['d7y-stargz-registry:5000']!.mirrors).toEqual([
      { host: 'd7y-stargz-registry:5000', insecure: true },
    ])
  })

  test('reset: scheduler restarted, the seed peer storage claim deleted while scaled to 0, client pods replaced', () => {
    const cs = commands(stepOf(steps, 'reset')).map((c) =>
      c.replace('kubectl --kubeconfig /cache/kind/d7y-stargz/kubeconfig ', ''),
    )
    expect(cs).toEqual([
      'delete pods --namespace dragonfly-system -l app=dragonfly,component=scheduler --wait=false',
      'scale statefulset dragonfly-seed-client --namespace dragonfly-system --replicas=0',
      'delete pvc --namespace dragonfly-system --ignore-not-found storage-dragonfly-seed-client-0',
      'scale statefulset dragonfly-seed-client --namespace dragonfly-system --replicas=1',
      'delete pods --namespace dragonfly-system -l app=dragonfly,component=client --wait=false',
    ])
  })

  test('diagnostics: pod logs, describe, events, stargz journal and containerd config of every worker, registry log', () => {
    const text = stepOf(steps, 'diagnostics').commands.join('\n')
    for (const needle of [
      'kind export logs reports/diagnostics/kind-logs',
      'describe pods,deployments,statefulsets,daemonsets,services,pvc --namespace dragonfly-system',
      'get events --namespace dragonfly-system',
      'kubectl logs of every container (and --previous',
      'docker exec d7y-stargz-worker2 journalctl --no-pager -o short-iso -u stargz-snapshotter',
      'docker exec d7y-stargz-worker cat /etc/containerd/config.toml',
      'docker logs d7y-stargz-registry',
      '/proxy/metrics',
    ])
      expect(text).toContain(needle)
  })

  test('teardown: the cluster is deleted unless kept or reused', async () => {
    expect(commands(stepOf(steps, 'teardown')).slice(0, 2)).toEqual([
      'kind get clusters',
      'kind delete cluster --name d7y-stargz --kubeconfig /cache/kind/d7y-stargz/kubeconfig',
    ])
    for (const env of [{ D7Y_KEEP: 'true' }, { D7Y_REUSE_CLUSTER: 'true' }] as Record<string, string>[])
      expect(
        commands(stepOf(await kindPlan(config(env)), 'teardown')).some((c) => c.startsWith('kind delete')),
      ).toBe(false)
  })

  test('D7Y_WORKERS changes every per-worker part', async () => {
    const three = await kindPlan(config({ D7Y_WORKERS: '3' }))
    expect(stepOf(three, 'stargz').commands.join('\n')).toContain('d7y-stargz-worker3')
    expect(stepOf(three, 'run').files.filter((f) => f.path.startsWith('(API)'))).toHaveLength(3)
  })

  describe('renderPlan', () => {
    const text = () => renderPlan(steps)

    test('numbered steps with their commands, waits as comments', () => {
      expect(text()).toMatch(/^\[1\/14\] preflight: /)
      expect(text()).toContain('\n[2/14] cluster: ')
      expect(text()).toContain('\n  $ kind create cluster --name d7y-stargz ')
      expect(text()).toContain('\n    # wait: 3 nodes Ready')
    })

    test("every file's content once; repeats refer to the first", () => {
      expect(text()).toContain('  file /cache/kind/d7y-stargz/values.yaml (')
      expect(text()).toContain('    | kind: Cluster')
      expect(text()).toContain(
        '  file d7y-stargz-worker2:/etc/systemd/system/stargz-snapshotter.service: same content as d7y-stargz-worker:/etc/systemd/system/stargz-snapshotter.service',
      )
      expect(text().match(/--log-level=debug --config/g)).toHaveLength(1)
    })
  })
})
