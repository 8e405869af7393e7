// The fault catalog: what real Dragonfly + stargz deployments hit (../shared/FAULTS.md), each as a
// real injection into the running cluster, with the checks it must turn red and the cause the
// evidence must be diagnosed as. Two controls must stay green.
import type { DragonflyValues } from '../render/helm-values.ts'
import type { ComponentStatus } from '../profiles/profile.ts'
import type { Node } from '../profiles/node.ts'
import {
  blockOrigin,
  blockUploadPort,
  crashDfdaemon,
  corruptLargestLayer,
  dragonflyMirror,
  dropStargzPlugin,
  getManifest,
  putManifest,
  removeFuse,
  restoreContainerdConfig,
  restoreFuse,
  restoreStargzConfig,
  startSnapshotter,
  stopSnapshotter,
  unblockOrigin,
  unblockUploadPort,
  victim,
  waitDragonflyServing,
  writeStargzVariant,
} from './injections.ts'
import type { FaultContext, FaultEntry } from './types.ts'

/** Dragonfly values changed for a fault, re-rendered into the running daemons, and restored after. */
async function withValues(ctx: FaultContext, change: (v: DragonflyValues) => void) {
  const values = structuredClone(ctx.values)
  change(values)
  if (!ctx.profile.reconfigureDragonfly)
    throw new Error(`the ${ctx.profile.name} profile cannot reconfigure Dragonfly in place yet`)
  await ctx.profile.reconfigureDragonfly([ctx.controlPlane, ...ctx.workers], values, ctx.log)
  return { values }
}

async function restoreValues(ctx: FaultContext) {
  await ctx.profile.reconfigureDragonfly!([ctx.controlPlane, ...ctx.workers], ctx.values, ctx.log)
}

/** A component stopped as an operator does it on the profile (systemctl; the API on kind). */
async function stopComponent(ctx: FaultContext, component: ComponentStatus['component'], node: Node) {
  if (!ctx.profile.stopComponent)
    throw new Error(`the ${ctx.profile.name} profile cannot stop Dragonfly's ${component}`)
  await ctx.profile.stopComponent(component, node, ctx.log)
  return {}
}

/** Started again, the peers back with it, and every component serving before the next entry. */
async function startComponent(ctx: FaultContext, component: ComponentStatus['component'], node: Node) {
  const cluster = { nodes: [ctx.controlPlane, ...ctx.workers], values: ctx.values }
  await ctx.profile.startComponent!(component, node, cluster, ctx.log)
  await waitDragonflyServing(ctx)
}

const noop = async () => ({})
// Every entry is caused on both profiles, as an operator would cause it there: on the nodes
// themselves (the snapshotter, containerd, /dev/fuse, a process, firewall rules in the chains the
// peers' traffic crosses), on the origin's content, in Dragonfly's values (the local profile
// re-renders its daemons' files; kind runs `helm upgrade --reuse-values` and awaits the rollout), or
// a component stopped (systemctl; on kind through the API: StatefulSets scaled, a node tainted).
const EVERY_PROFILE = { local: true, kind: true, cluster: true } as const
// On a cluster the suite did not create (D7Y_PROFILE=cluster) other workloads share the nodes: an
// entry that changes what they depend on (a node's schedulability, its firewall, /dev/fuse) is refused.
const NOT_ON_SHARED_NODES = (why: string) => ({ local: true, kind: true, cluster: why }) as const
const ROUTING = ['via-dfdaemon', 'task-succeeded', 'single-back-to-source'] as const
// The originals of what a fault replaced, for its restore.
const saved = new Map<string, unknown>()

/** Puts back the manifest an entry re-pushed under the copy's tag. */
const restoreManifest = (ctx: FaultContext) =>
  putManifest(ctx, ctx.image.esgzRef, saved.get('manifest') as { body: string; type: string })

export const FAULTS: FaultEntry[] = [
  {
    id: 'baseline',
    title: 'Healthy baseline',
    simulates: 'nothing: the cluster as deployed',
    incident: 'control: every check must hold on the healthy pull',
    expectRed: [],
    cause: 'none',
    profiles: EVERY_PROFILE,
    control: true,
    inject: noop,
    restore: async () => {},
  },
  {
    id: 'task-id-url',
    title: 'URL-based task ids (enableTaskIDBasedBlobDigest false)',
    simulates:
      "client and seed peer configs with enableTaskIDBasedBlobDigest: false (dfdaemon's own default)",
    incident:
      'FAULTS.md 13: task id mismatch (dragonfly#3298, PR #4787); control: the suite must follow the config',
    expectRed: [],
    cause: 'none',
    profiles: EVERY_PROFILE,
    control: true,
    inject: (ctx) =>
      withValues(ctx, (v) => {
        v.client.config.proxy.registryMirror.enableTaskIDBasedBlobDigest = false
        v.seedClient.config.proxy.registryMirror.enableTaskIDBasedBlobDigest = false
      }),
    restore: restoreValues,
  },
  {
    id: 'dfdaemon-stopped',
    title: 'dfdaemon stopped on one worker',
    simulates:
      "the last worker's dfdaemon stopped (local: `systemctl stop`; kind: its node tainted NoSchedule and its DaemonSet pod deleted): its snapshotter's mirror refuses connections",
    incident: 'FAULTS.md 5: dfdaemon down / port 4001 unreachable; the snapshotter moves to the next host',
    // The rendered config has no plain-HTTP origin after the mirror, so the layer is not prepared
    // remotely either: containerd pulls it whole.
    expectRed: ['remote-snapshots', ...ROUTING],
    cause: 'mirror-unreachable',
    profiles: NOT_ON_SHARED_NODES(
      'it taints a node NoSchedule: other workloads could not be scheduled there while it lasts',
    ),
    inject: (ctx) => stopComponent(ctx, 'client', victim(ctx)),
    restore: (ctx) => startComponent(ctx, 'client', victim(ctx)),
  },
  {
    id: 'dfdaemon-crashed',
    title: 'dfdaemon crashed on one worker and restarted on its own',
    simulates:
      "the last worker's dfdaemon process killed (SIGKILL) once it served; systemd (local) or kubelet (kind) restarts it, and the pull runs after it serves again",
    incident:
      "issue 19: the chart's seed peer and clients restarted under a fresh kind run; a component that crashes after it was ready must not pass unseen",
    // It serves again before the pull, so every routing check holds: only the restart shows.
    expectRed: ['no-restarts'],
    cause: 'component-restarted',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      await crashDfdaemon(ctx, victim(ctx))
      await waitDragonflyServing(ctx)
      return {}
    },
    restore: async () => {},
  },
  {
    id: 'mirror-url',
    title: 'Mirror host written as a URL (as the integration guide writes it)',
    simulates: 'every worker\'s snapshotter mirror `host = "http://127.0.0.1:4001"`',
    incident: 'FAULTS.md 1 and NOTES: the guide writes the mirror as a URL; 0.18.2 fails to resolve it',
    expectRed: ['remote-snapshots', ...ROUTING],
    cause: 'mirror-host-url',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      await writeStargzVariant(ctx, (c) => {
        const m = dragonflyMirror(c)
        m.host = `http://${m.host}`
      })
      return {}
    },
    restore: restoreStargzConfig,
  },
  {
    id: 'upstream-missing',
    title: 'X-Dragonfly-Registry names an upstream that does not exist',
    simulates: 'the mirror header names http://127.0.0.1:1 (nothing listens there)',
    incident:
      'FAULTS.md 2: wrong or missing X-Dragonfly-Registry (client#1791): errors from the mirror, fallback',
    expectRed: ['remote-snapshots', ...ROUTING],
    cause: 'upstream-unreachable',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      await writeStargzVariant(ctx, (c) => {
        dragonflyMirror(c).header = { 'X-Dragonfly-Registry': ['http://127.0.0.1:1'] }
      })
      return {}
    },
    restore: restoreStargzConfig,
  },
  {
    id: 'rules-mismatch',
    title: "dfdaemon's proxy rules do not match blob URLs",
    simulates: 'client proxy rules `blobs/sha512.*` (no blob URL matches)',
    incident:
      'FAULTS.md 4: rules missing or a regex that misses blob URLs: proxied "directly to remote server"',
    expectRed: [...ROUTING],
    cause: 'rules-mismatch',
    profiles: EVERY_PROFILE,
    inject: (ctx) =>
      withValues(ctx, (v) => {
        v.client.config.proxy.rules = [{ regex: 'blobs/sha512.*' }]
      }),
    restore: restoreValues,
  },
  {
    id: 'scheduler-stopped',
    title: 'Scheduler stopped before the pull',
    simulates:
      'the scheduler stopped (local: `systemctl stop` on the control-plane node; kind: its StatefulSet scaled to 0)',
    incident: 'FAULTS.md 14: scheduler unreachable (dragonfly#3758): every node goes back to source',
    expectRed: ['task-succeeded', 'single-back-to-source'],
    cause: 'scheduler-unreachable',
    profiles: EVERY_PROFILE,
    inject: (ctx) => stopComponent(ctx, 'scheduler', ctx.controlPlane),
    restore: (ctx) => startComponent(ctx, 'scheduler', ctx.controlPlane),
  },
  {
    id: 'seed-stopped',
    title: 'Seed peer stopped before the pull',
    simulates:
      'the seed peer stopped (local: `systemctl stop` on the control-plane node; kind: its StatefulSet scaled to 0)',
    incident:
      'FAULTS.md 14: seed peer not ready (dragonfly#3758): "can not find candidate parents", back to source',
    expectRed: ['single-back-to-source'],
    cause: 'seed-peer-down',
    profiles: EVERY_PROFILE,
    inject: (ctx) => stopComponent(ctx, 'seed-peer', ctx.controlPlane),
    restore: (ctx) => startComponent(ctx, 'seed-peer', ctx.controlPlane),
  },
  {
    id: 'p2p-blocked',
    title: 'Peer-to-peer traffic blocked',
    simulates:
      "iptables in every node drops TCP to dfdaemon's upload port (4000), in INPUT (peers on the node's address) and FORWARD (kind's seed peer, a pod)",
    incident: 'FAULTS.md 15: network policy / firewall between peers (dragonfly#1592, #1677): back to source',
    expectRed: ['task-succeeded', 'single-back-to-source'],
    cause: 'p2p-blocked',
    profiles: NOT_ON_SHARED_NODES(
      "it adds firewall rules to every node: other workloads' traffic on port 4000 would be dropped too",
    ),
    inject: async (ctx) => {
      await blockUploadPort(ctx)
      return {}
    },
    restore: unblockUploadPort,
  },
  {
    id: 'no-fuse',
    title: 'No /dev/fuse in one worker',
    simulates: "the last worker's /dev/fuse removed",
    incident:
      'FAULTS.md 18: no /dev/fuse in the node (siderolabs/extensions#245): full pull, the image still runs',
    expectRed: ['remote-snapshots'],
    cause: 'fuse-missing',
    profiles: NOT_ON_SHARED_NODES('it removes /dev/fuse from a node that other workloads may use'),
    inject: async (ctx) => {
      await removeFuse(victim(ctx))
      return {}
    },
    restore: async (ctx) => restoreFuse(victim(ctx)),
  },
  {
    id: 'stargz-plugin-missing',
    title: "The stargz proxy plugin missing from containerd's config",
    simulates:
      "the last worker's /etc/containerd/config.toml without [proxy_plugins.stargz], containerd restarted",
    incident:
      'FAULTS.md 16/21: containerd config not carrying the snapshotter, or not reloaded (helm-charts#209)',
    expectRed: ['stargz-plugin', 'image-runs'],
    cause: 'stargz-plugin-missing',
    // On a cluster the suite reaches nodes only through the CRI (kubectl exec): the node goes NotReady
    // and the restore cannot reach it (the stand-in, 2026-12-06).
    profiles: NOT_ON_SHARED_NODES(
      "it restarts a node's containerd without the plugin its CRI snapshotter needs: the node goes NotReady, its pods cannot be reached (kubectl exec fails), and the restore with them",
    ),
    inject: async (ctx) => {
      saved.set('containerd-config', await dropStargzPlugin(victim(ctx), ctx))
      return {}
    },
    restore: async (ctx) =>
      restoreContainerdConfig(victim(ctx), saved.get('containerd-config') as string, ctx),
  },
  {
    id: 'snapshotter-stopped',
    title: 'The stargz snapshotter stopped',
    simulates: "`systemctl stop` of the last worker's containerd-stargz-grpc",
    incident: 'FAULTS.md 19: snapshotter not running or restarted out of order (stargz#314)',
    expectRed: ['stargz-plugin', 'image-runs'],
    cause: 'snapshotter-down',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      await stopSnapshotter(victim(ctx))
      return {}
    },
    restore: async (ctx) => startSnapshotter(victim(ctx), ctx),
  },
  {
    id: 'not-estargz',
    title: 'The image under the eStargz tag is plain gzip',
    simulates: "the plain image's manifest pushed under the eStargz tag",
    incident: 'NOTES: a tag that is not eStargz falls back to a full pull while the container still runs',
    // Measured: the snapshotter's footer read through the mirror starts dfdaemon's prefetch, which
    // still moves the whole blob through P2P (task-succeeded holds); containerd's own full pull then
    // goes to the origin (via-dfdaemon and single-back-to-source red).
    expectRed: ['estargz-valid', 'remote-snapshots', 'via-dfdaemon', 'single-back-to-source'],
    cause: 'not-estargz',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      saved.set('manifest', await getManifest(ctx, ctx.image.esgzRef))
      await putManifest(ctx, ctx.image.esgzRef, await getManifest(ctx, ctx.image.plainRef))
      return {}
    },
    restore: restoreManifest,
  },
  {
    id: 'toc-digest-wrong',
    title: "A layer's TOC digest annotation is wrong",
    simulates:
      "the eStargz manifest re-pushed with the large layer's `containerd.io/snapshot/stargz/toc.digest` changed",
    incident: 'FAULTS.md/NOTES eStargz format: the snapshotter verifies the TOC against the annotation',
    expectRed: ['estargz-valid', 'remote-snapshots'],
    cause: 'toc-digest-mismatch',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      const original = await getManifest(ctx, ctx.image.esgzRef)
      saved.set('manifest', original)
      const m = JSON.parse(original.body) as {
        layers: { size: number; annotations?: Record<string, string> }[]
      }
      const large = [...m.layers].sort((a, b) => b.size - a.size)[0]!
      large.annotations = {
        ...large.annotations,
        'containerd.io/snapshot/stargz/toc.digest': `sha256:${'0'.repeat(64)}`,
      }
      await putManifest(ctx, ctx.image.esgzRef, { body: JSON.stringify(m), type: original.type })
      return {}
    },
    restore: restoreManifest,
  },
  {
    id: 'content-corrupt',
    title: "A layer's bytes at the origin differ from its TOC",
    simulates:
      'the large layer re-pushed with one byte inverted in the middle of its compressed file data (same length; TOC and toc.digest unchanged)',
    incident:
      'FAULTS.md 9 (client#1889): an origin handing out an object of the right length with wrong content',
    // Measured: see README "Fault catalog" (the snapshotter verifies chunk digests, so reads fail).
    expectRed: ['estargz-valid', 'rootfs-content'],
    cause: 'content-corrupt',
    profiles: EVERY_PROFILE,
    inject: async (ctx) => {
      saved.set('manifest', (await corruptLargestLayer(ctx, ctx.image.esgzRef)).original)
      return {}
    },
    restore: restoreManifest,
  },
  {
    id: 'log-info',
    title: 'dfdaemon logging at info instead of debug',
    simulates: 'client log level info',
    incident:
      'NOTES: "download task succeeded" and piece lines are DEBUG in recent clients; without them no evidence',
    expectRed: [...ROUTING],
    cause: 'debug-log-missing',
    profiles: EVERY_PROFILE,
    inject: (ctx) =>
      withValues(ctx, (v) => {
        v.client.config.log.level = 'info'
      }),
    restore: restoreValues,
  },
  {
    id: 'prefetch-off',
    title: "dfdaemon's proxy.prefetch off",
    simulates: 'client proxy prefetch false',
    incident: 'FAULTS.md 20: prefetch settings decide how much traffic reaches dfdaemon as small ranges',
    expectRed: ['task-succeeded', 'single-back-to-source'],
    cause: 'prefetch-off',
    profiles: EVERY_PROFILE,
    inject: (ctx) =>
      withValues(ctx, (v) => {
        v.client.config.proxy.prefetch = false
      }),
    restore: restoreValues,
  },
  {
    // Last: the origin is cut off from the cluster and let back.
    id: 'origin-unavailable',
    title: 'Origin unavailable for the pull',
    simulates:
      "iptables in every node refuses the origin's address and port (OUTPUT and FORWARD): the registry is up but the cluster cannot reach it",
    incident: 'FAULTS.md 5/14 (the other end): with the origin gone nothing can fill the P2P network',
    expectRed: ['image-runs', 'remote-snapshots', ...ROUTING],
    cause: 'origin-unavailable',
    profiles: NOT_ON_SHARED_NODES(
      'it adds firewall rules to every node: other workloads could not reach that address either',
    ),
    inject: async (ctx) => {
      await blockOrigin(ctx)
      return {}
    },
    restore: unblockOrigin,
  },
]

/** The entries a run asked for (`D7Y_FAULTS=all` or a comma list), in catalog order. */
export function selectFaults(
  spec: string | undefined,
  profile: string,
  catalog: readonly FaultEntry[] = FAULTS,
): FaultEntry[] {
  if (!spec) return []
  const ids = spec === 'all' ? catalog.map((f) => f.id) : spec.split(',').map((s) => s.trim())
  const unknown = ids.filter((id) => !catalog.some((f) => f.id === id))
  if (unknown.length)
    throw new Error(
      `unknown fault(s) ${unknown.join(', ')}: known are ${catalog.map((f) => f.id).join(', ')}`,
    )
  const chosen = catalog.filter((f) => ids.includes(f.id))
  const refused = chosen.flatMap((f) => {
    const support = (f.profiles as Record<string, true | string>)[profile]
    return support === true ? [] : [`${f.id} (${support ?? `no support for the profile ${profile}`})`]
  })
  if (refused.length) throw new Error(`fault(s) the ${profile} profile cannot cause: ${refused.join('; ')}`)
  return chosen
}
