// How the suite reaches inside a node: the value a profile hands out with each Node, so the
// helpers that run commands, copy files or read journals never know which profile made the node.
// - a container that is the node (local's node containers, kind's): `docker|podman exec` / `cp`;
// - a node of a cluster the suite did not create: through the suite's privileged agent pod on that
//   node (host PID, the host's root at /host), `kubectl exec` then `nsenter` into PID 1's
//   namespaces, so a command runs as it would on the node itself.
import path from 'node:path'
import type { ContainerEngine } from './docker.ts'

/** The agent pod on a node of an existing cluster (D7Y_PROFILE=cluster). */
export interface AgentAccess {
  via: 'agent'
  kubectl: string
  kubeconfig: string
  context?: string
  namespace: string
  pod: string
}

/** kubectl's arguments up to the command run in the agent pod. */
export function agentKubectlArgs(a: AgentAccess, stdin: boolean): string[] {
  return [
    '--kubeconfig',
    a.kubeconfig,
    ...(a.context ? ['--context', a.context] : []),
    'exec',
    ...(stdin ? ['-i'] : []),
    '--namespace',
    a.namespace,
    a.pod,
    '--',
  ]
}

/** `argv` as the agent runs it on the node: the host's namespaces, entered through PID 1. */
export function onHost(argv: readonly string[]): string[] {
  return ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--', ...argv]
}

/** `argv` run on the node through the agent (output as kubectl streams it; see agent-output.ts). */
export function agentExecArgs(
  a: AgentAccess,
  argv: readonly string[],
  opts: { stdin?: boolean } = {},
): string[] {
  return [...agentKubectlArgs(a, !!opts.stdin), ...onHost(argv)]
}

/** A local file copied to `remotePath` on the node through the agent: its bytes on stdin. */
export function agentCopyArgs(a: AgentAccess, remotePath: string, mode: string): string[] {
  const dir = path.posix.dirname(remotePath)
  return agentExecArgs(
    a,
    ['sh', '-c', `mkdir -p "$1" && cat > "$2" && chmod ${mode} "$2"`, 'copy', dir, remotePath],
    { stdin: true },
  )
}

/** The container CLI's arguments for `argv` in a node container. */
export function containerExecArgs(
  container: string,
  argv: readonly string[],
  opts: { stdin?: boolean } = {},
) {
  return ['exec', ...(opts.stdin ? ['-i'] : []), container, ...argv]
}

export type { ContainerEngine }
