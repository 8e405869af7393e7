// The scale benchmark's data (chapter 85, `npm run bench:scale`): how origin traffic, time to the
// last node's output and the daemons' footprint grow with the number of workers pulling one image,
// in two routing modes and two pull patterns, every sample from clean state. Written as
// reports/scale/scale.json; summary.md and the charts are drawn from it.
import type { DfdaemonTraffic } from '../evidence/prom-metrics.ts'
import type { PullPattern } from '../run/pull-phase.ts'

/** How the snapshotter's mirror routes blob requests: through the node-local dfdaemon, or straight to the origin. */
export const SCALE_MODES = ['dragonfly', 'direct'] as const
export type ScaleMode = (typeof SCALE_MODES)[number]

export const SCALE_PATTERNS = ['concurrent', 'sequential'] as const satisfies readonly PullPattern[]

export const SCALE_MODE_LABELS: Record<ScaleMode, string> = {
  dragonfly: 'Dragonfly (mirror: node-local dfdaemon)',
  direct: 'direct (mirror: the origin)',
}

/** The P2P checks judged on every Dragonfly sample, as chapters 60 and 70 judge them. */
export const SCALE_CHECKS = [
  'remote-snapshots',
  'via-dfdaemon',
  'task-succeeded',
  'single-back-to-source',
] as const
export type ScaleCheck = (typeof SCALE_CHECKS)[number]

/** A verdict's status; "cannot judge" is a failed verdict whose diagnosis says it could not judge (e.g. N = 1). */
export type ScaleVerdictStatus = 'passed' | 'failed' | 'cannot judge'

export interface ScaleVerdict {
  status: ScaleVerdictStatus
  diagnosis: string
}

export interface NodeTiming {
  node: string
  exitCode: number
  /** the container printed the expected output and exited 0 */
  ok: boolean
  /** this node's own pull + run wall time */
  durationMs: number
  /** from the sample's one shared start (before the first node began) to this node's output */
  doneAtMs: number
}

/** One node's share of one large layer. */
export interface NodeLayerBytes {
  node: string
  /** bytes the origin's log shows it sent this node's address for the layer (probes included) */
  originToNode: number
  /** dfdaemon's log: distinct pieces finished from the source, in bytes (dragonfly mode) */
  fromSource: number
  /** dfdaemon's log: distinct pieces finished from parent peers, in bytes (dragonfly mode) */
  fromPeers: number
  /** of fromPeers: pieces whose parent is a seed peer (peer id ending in -seed) */
  fromSeed: number
  sourcePieces: number
  peerPieces: number
  seedPieces: number
}

export interface LayerSample {
  digest: string
  size: number
  /** every body byte the origin wrote for this blob during the sample */
  originBytes: number
  /** originBytes / size */
  rawAmplification: number
  /** single back-to-source's attributed amplification (Dragonfly samples only) */
  attributedAmplification?: number
  /** what the seed peer's dfdaemon logged fetching from the source, in bytes (Dragonfly samples only) */
  seedFromSource?: number
  nodes: NodeLayerBytes[]
}

/** Peak use of one process or container during a sample. */
export interface ResourcePeak {
  component: 'dfdaemon' | 'seed-peer' | 'scheduler' | 'container'
  /** the node (processes) or container name */
  where: string
  /** largest resident set seen (processes: VmRSS; containers: cgroup memory in use, docker stats' convention) */
  peakMemBytes: number
  /** processes: VmHWM at the last poll (the high-water mark since the process started) */
  highWaterMemBytes?: number
  /** largest CPU use between two polls, percent of one core (like top and docker stats) */
  peakCpuPercent: number
  /** polls that saw it */
  polls: number
}

export interface ScaleSample {
  kind: 'scale' | 'stability'
  /** the reference pulled: the test image, or its fresh-blob copy for this sample */
  image?: string
  n: number
  mode: ScaleMode
  pattern: PullPattern
  /** 1-based repetition of this point */
  rep: number
  startedAt: string
  workers: string[]
  timings: NodeTiming[]
  /** median of the nodes' own durations */
  p50Ms: number
  /** slowest node's own duration */
  maxMs: number
  /** from the shared start until the last node printed its output */
  lastNodeMs: number
  /** origin bytes summed over the large layers */
  originBytes: number
  /** size of the large layers together */
  largeLayerBytes: number
  /** originBytes / largeLayerBytes */
  rawAmplification: number
  /** attributed bytes / largeLayerBytes (Dragonfly samples) */
  attributedAmplification?: number
  layers: LayerSample[]
  /** per worker: dfdaemon's traffic counters over the sample (after − before); a string says why unknown */
  traffic: Record<string, DfdaemonTraffic | string>
  /** the P2P checks on this sample's evidence (Dragonfly samples) */
  verdicts?: Partial<Record<ScaleCheck, ScaleVerdict>>
  resources: ResourcePeak[]
  /** what the resource sampler could not read, if anything */
  resourceProblems?: string[]
  /** true, or why the wait for background fetching ended early */
  waited: true | string
  /** the sample could not be measured (a node failed, a step threw) */
  error?: string
}

export interface Spread {
  min: number
  median: number
  max: number
}

export interface ScalePoint {
  n: number
  mode: ScaleMode
  pattern: PullPattern
  samples: number
  /** samples that measured (no error) */
  measured: number
  lastNodeMs?: Spread
  p50Ms?: Spread
  maxMs?: Spread
  originBytes?: Spread
  rawAmplification?: Spread
  attributedAmplification?: Spread
  /** per check: how many samples passed, failed, could not judge */
  verdicts: Partial<Record<ScaleCheck, Record<ScaleVerdictStatus, number>>>
  /** per component kind: the median over samples of the peak over its instances */
  resources: Partial<Record<ResourcePeak['component'], { memBytes: Spread; cpuPercent: Spread }>>
}

/** Least squares of origin bytes over N, for one mode and pattern. */
export interface ScaleFit {
  mode: ScaleMode
  pattern: PullPattern
  /** distinct worker counts and samples fitted */
  ns: number[]
  samples: number
  /** origin bytes per additional node; null when fewer than two distinct N were measured */
  slopeBytesPerNode: number | null
  interceptBytes: number | null
  /** slope / the large layers' size */
  slopeShareOfLayer: number | null
  /** coefficient of determination; null when undefined (no spread in N or in bytes) */
  r2: number | null
}

export interface StabilitySummary {
  runs: number
  measured: number
  raw?: Spread & { q1: number; q3: number; values: number[] }
  attributed?: Spread & { q1: number; q3: number; values: number[] }
  /** how many runs single back-to-source passed */
  singleBackToSourcePassed: number
}

export interface ScaleReport {
  measuredAt: string
  profile: string
  /** D7Y_WORKERS: the cluster every point used the first N workers of */
  clusterWorkers: number
  ns: number[]
  modes: ScaleMode[]
  patterns: PullPattern[]
  repetitions: number
  blobs?: 'fresh' | 'same'
  image: { ref: string; largeLayers: { digest: string; size: number }[] }
  samples: ScaleSample[]
  points: ScalePoint[]
  fits: ScaleFit[]
  stability?: StabilitySummary
  notes: string[]
}
