// Cold caches (which storage outlives pods, and what to do about it) and the CRI pod runner's pieces.
import type { V1Pod, V1PodSpec } from '@kubernetes/client-node'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../helpers/run/config.ts'
import { NAMED_BINARIES, commandLine, type KindContext } from '../../../helpers/kind/commands.ts'
import { podEnd, registryHostsToml, runPodManifest, runPodName } from '../../../helpers/kind/cri-run.ts'
import { kindLayout } from '../../../helpers/kind/layout.ts'
import { resetActions, resetCommandList, storageOf, type ResetTarget } from '../../../helpers/kind/reset.ts'

const config = loadConfig({ D7Y_CACHE_DIR: '/c' })
const ctx: KindContext = { config, bin: NAMED_BINARIES, layout: kindLayout(config) }
const DIR = '/var/lib/dragonfly'

function spec(
  mounts: { name: string; mountPath: string; subPath?: string }[],
  volumes: V1PodSpec['volumes'] = [],
): V1PodSpec {
  return { containers: [{ name: 'client', volumeMounts: mounts }], volumes }
}

describe('where dfdaemon storage lives', () => {
  test('nothing mounted there: inside the container', () => {
    expect(storageOf(spec([{ name: 'config', mountPath: '/etc/dragonfly' }]), 'client', DIR, [])).toEqual({
      dir: DIR,
      kind: 'container',
    })
  })

  test('emptyDir, hostPath (with the path under the mount), volumeClaimTemplate, other', () => {
    expect(
      storageOf(spec([{ name: 's', mountPath: DIR }], [{ name: 's', emptyDir: {} }]), 'client', DIR, []),
    ).toMatchObject({ kind: 'emptyDir' })
    expect(
      storageOf(
        spec([{ name: 'h', mountPath: '/var/lib' }], [{ name: 'h', hostPath: { path: '/data/' } }]),
        'client',
        DIR,
        [],
      ),
    ).toEqual({
      dir: DIR,
      kind: 'hostPath',
      path: '/data/dragonfly',
    })
    expect(
      storageOf(
        spec([{ name: 'h', mountPath: DIR, subPath: 'x' }], [{ name: 'h', hostPath: { path: '/data' } }]),
        'client',
        DIR,
        [],
      ),
    ).toMatchObject({ path: '/data/x' })
    expect(storageOf(spec([{ name: 'storage', mountPath: DIR }]), 'client', DIR, ['storage'])).toEqual({
      dir: DIR,
      kind: 'pvc',
      template: 'storage',
    })
    expect(
      storageOf(
        spec(
          [{ name: 'shared', mountPath: DIR }],
          [{ name: 'shared', persistentVolumeClaim: { claimName: 'x' } }],
        ),
        'client',
        DIR,
        [],
      ),
    ).toEqual({
      dir: DIR,
      kind: 'other',
      volume: 'shared',
    })
  })

  test('a mount at /var/lib/dragonfly-extra is not /var/lib/dragonfly', () => {
    expect(
      storageOf(
        spec([{ name: 'x', mountPath: `${DIR}-extra` }], [{ name: 'x', emptyDir: {} }]),
        'client',
        DIR,
        [],
      ),
    ).toMatchObject({ kind: 'container' })
  })
})

const sts: ResetTarget = {
  kind: 'StatefulSet',
  name: 'dragonfly-seed-client',
  selector: 'app=dragonfly,component=seed-client',
  replicas: 2,
  container: 'seed-client',
  podSpec: { containers: [{ name: 'seed-client', volumeMounts: [{ name: 'storage', mountPath: DIR }] }] },
  claimTemplates: ['storage'],
}

const ds: ResetTarget = {
  kind: 'DaemonSet',
  name: 'dragonfly-client',
  selector: 'app=dragonfly,component=client',
  replicas: 2,
  container: 'client',
  podSpec: spec(
    [{ name: 'cache', mountPath: '/var/cache/dragonfly' }],
    [{ name: 'cache', hostPath: { path: '/var/cache/dragonfly' } }],
  ),
  claimTemplates: [],
}

describe('reset', () => {
  test('storage inside the pods: new pods are enough', () => {
    const t: ResetTarget = { ...ds, podSpec: spec([]) }
    const a = resetActions(t)
    expect(a).toEqual({ mode: 'restart', hostPaths: [], pvcs: [], untouched: [] })
    expect(resetCommandList(ctx, t, a, ['n1']).map(commandLine)).toEqual([
      'kubectl --kubeconfig /c/kind/d7y-stargz/kubeconfig delete pods --namespace dragonfly-system -l app=dragonfly,component=client --wait=false',
    ])
  })

  test('StatefulSet with claims: scale to 0, delete every replica claim, scale back', () => {
    const a = resetActions(sts)
    expect(a).toMatchObject({
      mode: 'pause',
      pvcs: ['storage-dragonfly-seed-client-0', 'storage-dragonfly-seed-client-1'],
    })
    expect(resetCommandList(ctx, sts, a, []).map((c) => c.args.slice(2).join(' '))).toEqual([
      'scale statefulset dragonfly-seed-client --namespace dragonfly-system --replicas=0',
      'delete pvc --namespace dragonfly-system --ignore-not-found storage-dragonfly-seed-client-0 storage-dragonfly-seed-client-1',
      'scale statefulset dragonfly-seed-client --namespace dragonfly-system --replicas=2',
    ])
  })

  test('DaemonSet with a hostPath: paused by a node selector nothing matches, cleared in each node, resumed', () => {
    const a = resetActions(ds)
    expect(a).toMatchObject({ mode: 'pause', hostPaths: ['/var/cache/dragonfly'] })
    const lines = resetCommandList(ctx, ds, a, ['n1', 'n2']).map(commandLine)
    expect(lines).toEqual([
      `kubectl --kubeconfig /c/kind/d7y-stargz/kubeconfig patch daemonset dragonfly-client --namespace dragonfly-system --type merge -p '{"spec":{"template":{"spec":{"nodeSelector":{"d7y-conformance/paused":"true"}}}}}'`,
      `docker exec n1 sh -c '[ ! -d "$1" ] || find "$1" -mindepth 1 -delete' clear /var/cache/dragonfly`,
      `docker exec n2 sh -c '[ ! -d "$1" ] || find "$1" -mindepth 1 -delete' clear /var/cache/dragonfly`,
      `kubectl --kubeconfig /c/kind/d7y-stargz/kubeconfig patch daemonset dragonfly-client --namespace dragonfly-system --type json -p '[{"op":"remove","path":"/spec/template/spec/nodeSelector/d7y-conformance~1paused"}]'`,
    ])
  })

  test('a shared claim is reported, not deleted', () => {
    const t: ResetTarget = {
      ...sts,
      podSpec: {
        containers: [{ name: 'seed-client', volumeMounts: [{ name: 'shared', mountPath: DIR }] }],
        volumes: [{ name: 'shared', persistentVolumeClaim: { claimName: 'x' } }],
      },
      claimTemplates: [],
    }
    expect(resetActions(t)).toEqual({
      mode: 'restart',
      hostPaths: [],
      pvcs: [],
      untouched: [`${DIR} (volume shared)`],
    })
  })
})

describe('CRI pod runner', () => {
  test('certs.d entry: the origin is plain HTTP', () => {
    const h = registryHostsToml('reg:5000')
    expect(h.path).toBe('/etc/containerd/certs.d/reg:5000/hosts.toml')
    expect(h.content).toContain('server = "http://reg:5000"')
    expect(h.content).toContain('[host."http://reg:5000"]')
    expect(h.content).toContain('capabilities = [ "pull", "resolve" ]')
  })

  test('pod names are DNS labels of at most 63 characters', () => {
    expect(runPodName('d7y-stargz-worker2', 'abc')).toBe('d7y-run-d7y-stargz-worker2-abc')
    const long = runPodName('n'.repeat(80) + '.Example', 'lq3x9')
    expect(long.length).toBeLessThanOrEqual(63)
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  })

  test('pinned to the node, never restarted, the command as args (like nerdctl run IMAGE ARGS)', () => {
    const p = runPodManifest({ name: 'p', node: 'w1', image: 'reg:5000/a:1-esgz', args: ['python3', '-V'] })
    expect(p.spec).toMatchObject({
      nodeName: 'w1',
      restartPolicy: 'Never',
      containers: [
        { name: 'run', image: 'reg:5000/a:1-esgz', args: ['python3', '-V'], imagePullPolicy: 'IfNotPresent' },
      ],
    })
    expect(p.metadata).toMatchObject({ namespace: 'default', labels: { app: 'd7y-conformance-run' } })
  })

  function withStatus(status: V1Pod['status'], created = '2026-01-01T00:00:00Z'): V1Pod {
    return { metadata: { name: 'p', creationTimestamp: new Date(created) }, status }
  }

  test('ends: completed (exit code and duration), stuck pulling, failed; running is not an end', () => {
    expect(podEnd(withStatus({ phase: 'Pending' }))).toEqual({ done: false })
    expect(
      podEnd(
        withStatus({
          phase: 'Succeeded',
          containerStatuses: [
            {
              name: 'run',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                terminated: {
                  exitCode: 0,
                  reason: 'Completed',
                  finishedAt: new Date('2026-01-01T00:00:04.5Z'),
                },
              },
            },
          ],
        }),
      ),
    ).toEqual({ done: true, exitCode: 0, reason: 'Completed', durationMs: 4500 })
    expect(
      podEnd(
        withStatus({
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'run',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: 'http: server gave HTTP response to HTTPS client',
                },
              },
            },
          ],
        }),
      ),
    ).toEqual({
      done: true,
      exitCode: -1,
      reason: 'ImagePullBackOff: http: server gave HTTP response to HTTPS client',
    })
    expect(
      podEnd(
        withStatus({
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'run',
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        }),
      ),
    ).toEqual({ done: false })
    expect(podEnd(withStatus({ phase: 'Failed', reason: 'Evicted' }))).toEqual({
      done: true,
      exitCode: -1,
      reason: 'Evicted',
    })
  })
})
