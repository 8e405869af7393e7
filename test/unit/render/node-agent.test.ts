// The node agent's DaemonSet and the commands that reach a node through it.
import { describe, expect, test } from 'vitest'
import { agentCopyArgs, agentExecArgs, type AgentAccess } from '../../../helpers/profiles/node-access.ts'
import { renderNodeAgent } from '../../../helpers/render/node-agent.ts'

const access: AgentAccess = {
  via: 'agent',
  kubectl: 'kubectl',
  kubeconfig: '/home/u/.kube/config',
  namespace: 'd7y-conformance',
  pod: 'd7y-node-agent-x7k2p',
}

describe('node agent', () => {
  test('one privileged pod per chosen node, in the node’s PID namespace, on tainted nodes too', () => {
    const ds = renderNodeAgent({ image: 'busybox:1.36.1', nodes: ['w1', 'w2'] })
    const pod = ds.spec.template.spec
    expect(pod.hostPID).toBe(true)
    expect(pod.containers[0]!.securityContext.privileged).toBe(true)
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
    expect(terms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['w1'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['w2'] }] },
    ])
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }])
    expect(ds.spec.selector.matchLabels).toEqual(ds.spec.template.metadata.labels)
  })

  test('a command runs in PID 1’s namespaces through kubectl exec', () => {
    expect(agentExecArgs(access, ['systemctl', 'restart', 'containerd'])).toEqual([
      '--kubeconfig', '/home/u/.kube/config', 'exec', '--namespace', 'd7y-conformance', 'd7y-node-agent-x7k2p', '--',
      'nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--',
      'systemctl', 'restart', 'containerd',
    ]) // prettier-ignore
    expect(agentExecArgs({ ...access, context: 'prod' }, ['true'], { stdin: true }).slice(2, 6)).toEqual([
      '--context',
      'prod',
      'exec',
      '-i',
    ])
  })

  test('a file goes over stdin into its directory, with its mode', () => {
    const args = agentCopyArgs(access, '/usr/local/bin/containerd-stargz-grpc', '0755')
    expect(args.slice(args.indexOf('--', 8) + 1)).toEqual([
      'sh', '-c', 'mkdir -p "$1" && cat > "$2" && chmod 0755 "$2"', 'copy', '/usr/local/bin', '/usr/local/bin/containerd-stargz-grpc',
    ]) // prettier-ignore
    expect(args).toContain('-i')
  })
})
