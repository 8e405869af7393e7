// The command lines only the cluster profile runs, as plain values (the plan prints them, the
// profile runs them): the user's kubeconfig read down to one context, the suite's namespace and
// release removed, and the port-forward to the origin registry's pod.
import { DRAGONFLY_NAMESPACE, DRAGONFLY_RELEASE } from '../render/index.ts'
import { AGENT_NAMESPACE } from '../render/node-agent.ts'
import { ORIGIN_NAME } from '../render/origin-pod.ts'
import { kubectl, type Command, type KindContext } from '../kind/commands.ts'

/** How long teardown waits for a release or namespace to go before it says why and forces it. */
export const TEARDOWN_WAIT_MINUTES = 3

export const clusterCommands = {
  /** the user's kubeconfig, minified to the chosen context with its credentials inlined */
  kubeconfigView: (kubectlBin: string, userKubeconfig: string | undefined, context?: string): Command => ({
    file: kubectlBin,
    args: [
      ...(userKubeconfig ? ['--kubeconfig', userKubeconfig] : []),
      'config',
      'view',
      '--minify',
      '--flatten',
      '--raw',
      ...(context ? ['--context', context] : []),
    ],
    timeoutMs: 30_000,
  }),
  /** the API server's version (preflight: the cluster answers with these credentials) */
  serverVersion: (ctx: KindContext): Command => kubectl(ctx, ['version', '--output', 'json'], 30_000),
  helmUninstall: (ctx: KindContext): Command => ({
    file: ctx.bin.helm,
    args: [
      'uninstall',
      DRAGONFLY_RELEASE,
      '--namespace',
      DRAGONFLY_NAMESPACE,
      '--wait',
      '--kubeconfig',
      ctx.layout.kubeconfig,
      '--timeout',
      `${TEARDOWN_WAIT_MINUTES}m`,
    ],
    timeoutMs: (TEARDOWN_WAIT_MINUTES + 1) * 60_000,
  }),
  deleteNamespace: (ctx: KindContext, namespace: string): Command =>
    kubectl(
      ctx,
      [
        'delete',
        'namespace',
        namespace,
        '--ignore-not-found',
        '--wait=true',
        `--timeout=${TEARDOWN_WAIT_MINUTES}m`,
      ],
      (TEARDOWN_WAIT_MINUTES + 1) * 60_000,
    ),
  /** a pod on a node that no longer answers stays Terminating: the API record goes without the kubelet's word */
  forceDeletePods: (ctx: KindContext, namespace: string): Command =>
    kubectl(ctx, ['delete', 'pods', '--all', '--namespace', namespace, '--force', '--grace-period=0']),
  /** a long-running forward from a fixed loopback port to the registry pod's port */
  portForward: (ctx: KindContext, pod: string, localPort: number, podPort: number): Command =>
    kubectl(ctx, [
      'port-forward',
      '--namespace',
      AGENT_NAMESPACE,
      '--address',
      '127.0.0.1',
      `pod/${pod}`,
      `${localPort}:${podPort}`,
    ]),
  deleteOrigin: (ctx: KindContext): Command =>
    kubectl(
      ctx,
      ['delete', 'pod', '--namespace', AGENT_NAMESPACE, ORIGIN_NAME, '--ignore-not-found', '--wait=true'],
      5 * 60_000,
    ),
  registryLogs: (ctx: KindContext, pod: string, sinceTime?: string): Command =>
    kubectl(
      ctx,
      ['logs', '--namespace', AGENT_NAMESPACE, pod, ...(sinceTime ? [`--since-time=${sinceTime}`] : [])],
      5 * 60_000,
    ),
  registryExec: (ctx: KindContext, pod: string, argv: readonly string[]): Command =>
    kubectl(ctx, ['exec', '--namespace', AGENT_NAMESPACE, pod, '--', ...argv], 60_000),
}
