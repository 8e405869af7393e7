// What differs between profiles, and only that. Chapters ask the profile; assertions never branch
// on its name. Which one runs: profile-for.ts (beside it, not in it: each profile imports this seam).
import type { RestartRecord } from '../checks/restarts.ts'
import type { RanVersion } from '../evidence/component-versions.ts'
import type { Config, TestImage } from '../run/config.ts'
import type { PublishedImage } from '../image/publish.ts'
import type { RunOutcome } from '../image/nerdctl.ts'
import type { Node } from './node.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import type { DragonflyValues } from '../render/helm-values.ts'
import type { ReaderState } from '../upgrade/reader.ts'
import type { UpgradeComponent } from '../upgrade/version-set.ts'

export interface PreflightProblem {
  what: string
  /** how to get it */
  fix: string
}

export interface Cluster {
  nodes: Node[]
  /** Docker network the nodes and the registry share */
  network: string
}

export interface DragonflyEndpoints {
  /** address of dfdaemon's proxy as a worker's snapshotter reaches it */
  proxyHost: string
}

export interface ComponentStatus {
  component: 'scheduler' | 'seed-peer' | 'client'
  where: string
  ok: boolean
  detail: string
}

export interface Profile {
  name: Config['profile']
  /** everything missing, each with how to get it; nothing is created */
  preflight(): Promise<PreflightProblem[]>
  createCluster(log: (line: string) => void): Promise<Cluster>
  /** tools every node needs for the chapters (containerd where the profile provides it, nerdctl) */
  prepareNodes(nodes: Node[], log: (line: string) => void): Promise<void>
  /**
   * starts the origin registry where the nodes reach it by `<registryName>:<registryPort>` and this
   * process through `localUrl` (local, kind: a container on the nodes' network; cluster: a pod)
   */
  startOrigin(at: { network: string; runId: string }, log: (line: string) => void): Promise<OriginRegistry>
  /**
   * the test image in the origin registry as `refs.plainRef`, converted to eStargz on `builder` and
   * pushed as `refs.esgzRef` (local, kind: built and pushed by the Docker engine; cluster: no engine)
   */
  publishImage(
    image: TestImage,
    refs: PublishedImage,
    builder: Node,
    registryLocalUrl: string,
    log: (line: string) => void,
  ): Promise<void>
  deployDragonfly(nodes: Node[], registryHost: string, log: (line: string) => void): Promise<void>
  /**
   * each Dragonfly component and whether it is serving (health endpoint, port, pod condition);
   * `settleMs`: how long to give a component that just started to show up (readiness waits; a
   * snapshot taken for a diagnosis does not)
   */
  dragonflyStatus(nodes: Node[], opts?: { settleMs?: number }): Promise<ComponentStatus[]>
  /** the peer NodePort Service's endpoints by node (kind only: the local profile has no Services) */
  peerServiceEndpoints?(): Promise<{ node: string; ip: string }[]>
  /**
   * re-renders the seed peer's and clients' configs from these values and restarts them (the fault
   * catalog's config faults, D7Y_VALUES); undefined where the profile cannot yet
   */
  reconfigureDragonfly?(nodes: Node[], values: DragonflyValues, log: (line: string) => void): Promise<void>
  /**
   * stops one Dragonfly component the way an operator does (local: systemctl on its node; kind:
   * through the API); `node`: where it runs (a worker for a client); undefined where the profile cannot
   */
  stopComponent?(
    component: ComponentStatus['component'],
    node: Node,
    log: (line: string) => void,
  ): Promise<void>
  /**
   * starts it again, and after the scheduler has the peers announce themselves to it, as after the
   * install (`nodes`: the cluster's, `values`: those in force); returns once the workloads run
   */
  startComponent?(
    component: ComponentStatus['component'],
    node: Node,
    cluster: { nodes: Node[]; values: DragonflyValues },
    log: (line: string) => void,
  ): Promise<void>
  /**
   * replaces one component with `version` in place, node by node, each awaited until it serves again
   * (the upgrade gate); undefined where the profile cannot yet
   */
  upgradeComponent?(
    nodes: Node[],
    component: UpgradeComponent,
    version: string,
    log: (line: string) => void,
  ): Promise<void>
  /** every Dragonfly component's own restarts, with those since the suite first saw it ready */
  restarts(nodes: Node[]): Promise<(RestartRecord & { sinceReady?: number })[]>
  /** what Dragonfly's daemons say their version is, where they run (tool name → one record per place) */
  dragonflyVersions(nodes: Node[]): Promise<Map<string, RanVersion[]>>
  /** dfdaemon's log text on a worker (since an ISO time, when given) */
  clientLogs(node: Node, since?: string): Promise<string>
  /**
   * where a node's peer listens when not on the node's own address, by node name (kind: the seed
   * peer is a pod off the host network); absent or {}: every peer on its node's address
   */
  peerAddresses?(): Promise<Record<string, string>>
  /** the address of the node the seed peer runs on (undefined when no seed peer is found) */
  seedNodeIp(): Promise<string | undefined>
  /** the seed peer's log text */
  seedLogs(since?: string): Promise<string>
  /** dfdaemon's Prometheus metrics text on a worker */
  clientMetrics(node: Node): Promise<string>
  /** the seed peer's Prometheus metrics text */
  seedMetrics(): Promise<string>
  /** wipes the Dragonfly caches of these workers (and the seed peer's) so the next pull starts cold */
  resetDragonfly(nodes: Node[], opts?: { includeSeed?: boolean }): Promise<void>
  /** local path of containerd-stargz-grpc for the nodes */
  stargzBinary(): Promise<string>
  /** writes the bundle a person needs after a failed run into `dir` (uses only the run state) */
  collectDiagnostics(dir: string, state: { nodes: Node[]; registry?: { container: string } }): Promise<void>
  /** runs the image as a Pod pinned to each worker (the CRI path; kind only) */
  runAsPods?(
    workers: Node[],
    ref: string,
    args: string[],
    log: (l: string) => void,
  ): Promise<(RunOutcome & { node: string })[]>
  /** the upgrade's reader as a Pod pinned to a worker (the CRI path; kind only) */
  readerPod?: {
    start(node: Node, ref: string, args: string[]): Promise<string>
    state(node: Node): Promise<ReaderState>
    logText(node: Node): Promise<string>
    remove(node: Node): Promise<void>
  }
  /** removes what the run created */
  teardown(runId: string): Promise<string[]>
}
