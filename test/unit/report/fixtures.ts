// Realistic inputs for the report tests: a two-worker local run and a three-image benchmark.
import { loadConfig, type Config } from '../../../helpers/run/config.ts'
import type { BenchmarkImage, BenchmarkReport } from '../../../helpers/report/benchmark-types.ts'
import { benchmarkResult, withOciRatios } from '../../../helpers/report/benchmark-stats.ts'
import { CHECKS, checksFor } from '../../../helpers/checks/catalog.ts'
import type { OriginRow } from '../../../helpers/evidence/origin-figures.ts'
import type { CheckResult, RunState } from '../../../helpers/run/state.ts'

const MiB = 2 ** 20

export const LAYER = 'sha256:191cf48bb5cb6b1e2f5d6c1f4fd1b8e7b6a44e3b0a6a4fb6c0e4c7b2a1d9e8f7'
export const CONFIG_BLOB = 'sha256:7e0f1a3b5c2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7'

export function testConfig(
  profile: 'local' | 'kind' | 'cluster' = 'local',
  env: NodeJS.ProcessEnv = {},
): Config {
  return loadConfig({ D7Y_PROFILE: profile, D7Y_REPORTS_DIR: 'reports', ...env })
}

const DIAGNOSES: Record<string, string> = {
  'nodes-ready':
    '3 nodes up: d7y-stargz-control-plane (172.21.0.2), d7y-stargz-worker (172.21.0.3), d7y-stargz-worker2 (172.21.0.4)',
  'dragonfly-ready': 'scheduler, seed peer and 2 dfdaemons answer /healthy',
  'peer-endpoints': 'dragonfly-client-nodeport has 2 endpoints (one per worker)',
  'stargz-plugin': 'ctr plugin ls: d7y-stargz-worker: io.containerd.snapshotter.v1  stargz  linux/amd64  ok',
  'estargz-valid': '1 eStargz layer(s) valid: sha256:191cf48bb5cb (66.5 MiB, 8230 TOC entries)',
  'image-runs': 'Python 3.11.2 on d7y-stargz-worker and d7y-stargz-worker2',
  'cri-pod-runs':
    'pods conformance-python-worker and conformance-python-worker2 succeeded with Python 3.11.2',
  'remote-snapshots': '2 workers × 1 layer prepared remotely, no fallback',
  'via-dfdaemon': 'dfdaemon proxied 14 blob requests on d7y-stargz-worker, 12 on d7y-stargz-worker2',
  'task-succeeded': 'download task succeeded for sha256:191cf48bb5cb on both workers',
  'single-back-to-source':
    'sha256:191cf48bb5cb left the origin 1.01× (67.2 MiB for a 66.5 MiB layer, 2 nodes)',
  'negative-control': 'with the mirror bypassed the origin served 2.02×: the check fails as it must',
}

export function passedChecks(profile: 'local' | 'kind' | 'cluster' = 'local'): CheckResult[] {
  return checksFor(profile).map(({ id, title }) => ({
    id,
    title,
    status: 'passed',
    diagnosis: DIAGNOSES[id] ?? 'ok',
  }))
}

export const p2pRows: OriginRow[] = [
  {
    digest: CONFIG_BLOB,
    size: 880,
    mediaType: 'application/vnd.oci.image.config.v1+json',
    nodes: 2,
    bytesServed: 1760,
    amplification: 2,
  },
  {
    digest: LAYER,
    size: 69_730_304,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    nodes: 3,
    bytesServed: 70_451_822,
    amplification: 1.01,
  },
]

export const controlRows: OriginRow[] = [
  {
    digest: CONFIG_BLOB,
    size: 880,
    mediaType: 'application/vnd.oci.image.config.v1+json',
    nodes: 2,
    bytesServed: 1760,
    amplification: 2,
  },
  {
    digest: LAYER,
    size: 69_730_304,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    nodes: 2,
    bytesServed: 141_062_410,
    amplification: 2.023,
  },
]

function image(
  name: string,
  command: string[],
  layerMiB: number,
  ms: Record<string, number[]>,
): BenchmarkImage {
  const size = Math.round(layerMiB * MiB)
  return {
    name,
    ref: `d7y-stargz-registry:5000/conformance/${name}:1-esgz`,
    versionCommand: command,
    largeLayerSize: size,
    results: withOciRatios([
      benchmarkResult('oci', ms.oci!, size + 880),
      benchmarkResult('stargz', ms.stargz!, [
        Math.round(size * 0.31),
        Math.round(size * 0.29),
        Math.round(size * 0.33),
      ]),
      benchmarkResult('stargz-dragonfly-cold', ms.cold!, Math.round(size * 0.34)),
      benchmarkResult('stargz-dragonfly-warm', ms.warm!, 4096),
    ]),
  }
}

export const benchmark: BenchmarkReport = {
  samples: 3,
  node: 'd7y-stargz-worker',
  measuredAt: '2026-11-27T22:10:00.000Z',
  images: [
    image('python3', ['python3', '-V'], 66.5, {
      oci: [9_812, 10_240, 9_655],
      stargz: [3_120, 3_480, 2_990],
      cold: [3_640, 3_905, 3_510],
      warm: [2_210, 2_050, 2_330],
    }),
    image('nodejs', ['node', '--version'], 118.2, {
      oci: [15_420, 16_010, 15_180],
      stargz: [3_980, 4_250, 3_870],
      cold: [4_420, 4_610, 4_300],
      warm: [2_640, 2_580, 2_720],
    }),
    image('gcc', ['gcc', '--version'], 241.7, {
      oci: [31_200, 32_950, 30_870],
      stargz: [5_310, 5_720, 5_150],
      cold: [5_980, 6_240, 5_760],
      warm: [3_050, 3_190, 2_980],
    }),
  ],
}

export function runState(change: Partial<RunState> = {}): RunState {
  return {
    runId: 'rmwzijose',
    startedAt: '2026-11-27T21:48:39.428Z',
    profile: 'local',
    nodes: [],
    tools: [
      {
        name: 'stargz',
        version: 'v0.18.2',
        source: 'cache',
        path: '/root/.cache/d7y-conformance/tools/stargz/v0.18.2/bin/containerd-stargz-grpc',
      },
      {
        name: 'dfdaemon',
        version: 'v1.5.0',
        source: 'built (cargo)',
        path: '/root/.cache/d7y-conformance/tools/dfdaemon/v1.5.0/bin/dfdaemon',
      },
    ],
    checks: passedChecks(),
    origin: { p2p: p2pRows, control: controlRows },
    marks: {},
    notes: [],
    ...change,
  }
}

export const FINISHED = new Date('2026-11-27T22:14:05.000Z')
export const ALL_CHECK_IDS = CHECKS.map((c) => c.id)
