// The cold-start benchmark: pull + run wall time of one image in four modes, each sample from
// clean node state, measured side by side in one run (the integration guide's chart, with the
// origin's bytes beside each mode so the time is never read without what it cost the origin).
import type { Config, TestImage } from '../run/config.ts'
import { LARGE_LAYER_BYTES } from '../checks/back-to-source.ts'
import { originEvidence } from '../evidence/collect.ts'
import { freshCopy } from '../image/fresh-blobs.ts'
import { runImage } from '../image/nerdctl.ts'
import type { ImageManifest } from '../image/registry-client.ts'
import type { Node } from '../profiles/node.ts'
import type { Profile } from '../profiles/profile.ts'
import { awaitDfdaemonTasks, awaitOriginTransfers, imageLayers, markPhase } from '../run/pull-phase.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import { BENCHMARK_MODES, type BenchmarkImage, type BenchmarkMode } from '../report/benchmark-types.ts'
import { benchmarkResult, median, withOciRatios } from '../report/benchmark-stats.ts'
import type { PieceRouteTiming } from '../report/benchmark-types.ts'
import { PIECE_ROUTES, pieceTimings, routeStats, type PieceRoute } from '../evidence/piece-timings.ts'
import { directStargzConfig, p2pStargzConfig } from '../stargz/configs.ts'
import { resetImageState, switchStargzConfig } from '../stargz/install.ts'

export interface BenchTarget {
  image: TestImage
  plainRef: string
  esgzRef: string
  plainManifest: ImageManifest
  esgzManifest: ImageManifest
}

interface Sample {
  ms: number
  originBytes: number
  output: string
  /** Dragonfly modes: the large layer's pieces on the pulling node, by route */
  pieces?: Partial<Record<PieceRoute, PieceRouteTiming>>
}

type Pieces = Partial<Record<PieceRoute, PieceRouteTiming>>

/** Per route, the median over the samples of each figure (routes a sample lacks count as absent). */
export function medianPieces(samples: (Pieces | undefined)[]): Pieces | undefined {
  const taken = samples.filter((p): p is Pieces => p !== undefined)
  if (!taken.length) return undefined
  const out: Pieces = {}
  for (const route of PIECE_ROUTES) {
    const on = taken.map((p) => p[route]).filter((x): x is PieceRouteTiming => x !== undefined)
    if (!on.length) continue
    out[route] = {
      count: median(on.map((x) => x.count)),
      medianMs: median(on.map((x) => x.medianMs)),
      maxMs: median(on.map((x) => x.maxMs)),
    }
  }
  return out
}

/** "3 small-range from the source (median 30 ms), 17 from parents (median 45 ms)" */
export function piecesLine(p: Pieces | undefined): string {
  if (!p) return ''
  const words: Record<PieceRoute, string> = {
    'source-small-range': 'small-range from the source',
    'source-scheduled': 'from the source (scheduled)',
    parent: 'from parents',
  }
  return PIECE_ROUTES.filter((r) => p[r])
    .map(
      (r) =>
        `${p[r]!.count} ${words[r]} (median ${Math.round(p[r]!.medianMs)} ms, max ${Math.round(p[r]!.maxMs)} ms)`,
    )
    .join(', ')
}

export interface BenchContext {
  config: Config
  profile: Profile
  registry: OriginRegistry
  workers: Node[]
  log: (line: string) => void
}

function bytesOf(report: Awaited<ReturnType<typeof originEvidence>>): number {
  return report.rows.reduce((sum, r) => sum + r.bytesServed, 0)
}

/** The eStargz image a sample pulls: its tag, manifest and layers. */
interface SampleImage {
  esgzRef: string
  esgzManifest: ImageManifest
}

/**
 * One measured pull + run, after putting the node in the mode's clean state. Dragonfly modes pull
 * `copy` (cold: a fresh copy of its own; warm: the copy the cold sample before it pulled).
 */
async function sample(
  ctx: BenchContext,
  t: BenchTarget,
  mode: BenchmarkMode,
  copy: SampleImage = t,
): Promise<Sample> {
  const stepMs = ctx.config.stepTimeoutMinutes * 60_000
  const [first, second] = ctx.workers
  const esgzLayers = imageLayers(
    {
      esgzRef: copy.esgzRef,
      layers: copy.esgzManifest.layers.map((l) => ({ ...l, annotations: l.annotations ?? {} })),
    },
    ctx.config,
  )
  let node = first!
  switch (mode) {
    case 'oci':
      await resetImageState(node, stepMs)
      break
    case 'stargz':
      await switchStargzConfig(node, directStargzConfig(ctx.config), stepMs)
      break
    case 'stargz-dragonfly-cold':
      // Nothing cached anywhere: no image state on the node, empty dfdaemon and seed peer caches.
      await switchStargzConfig(node, p2pStargzConfig(ctx.config).text, stepMs)
      await ctx.profile.resetDragonfly(ctx.workers, { includeSeed: true })
      break
    case 'stargz-dragonfly-warm':
      // Runs right after a cold sample: the first node and the seed peer hold the blobs.
      node = second!
      await switchStargzConfig(node, p2pStargzConfig(ctx.config).text, stepMs)
      await ctx.profile.resetDragonfly([node], { includeSeed: false })
      break
  }
  const mark = await markPhase([node], process.env.D7Y_RUN_ID ?? 'benchmark')
  const ref = mode === 'oci' ? t.plainRef : copy.esgzRef
  const outcome = await runImage(node, ref, mode === 'oci' ? 'overlayfs' : 'stargz', t.image.command)
  if (outcome.exitCode !== 0 || !new RegExp(t.image.expectOutput, 'm').test(outcome.output))
    throw new Error(
      `${mode} sample of ${t.image.name} on ${node.name}: exit ${outcome.exitCode}: ${outcome.output.slice(-300)}`,
    )
  // Lazy modes keep fetching in the background: wait until the layer is complete before counting
  // what this pull cost the origin.
  const large = esgzLayers.filter((l) => l.size >= LARGE_LAYER_BYTES)
  if (mode === 'stargz')
    await awaitOriginTransfers(ctx.registry, t.esgzManifest, [node], large, mark, stepMs).catch(
      () => undefined,
    )
  if (mode.startsWith('stargz-dragonfly'))
    await awaitDfdaemonTasks(ctx.profile, [node], large, mark, stepMs).catch(() => undefined)
  const manifest = mode === 'oci' ? t.plainManifest : copy.esgzManifest
  const origin = await originEvidence(ctx.registry, manifest, mark.hostSince)
  // Where the pulling node's pieces came from and how fast: peers or the source (warm vs cold).
  let pieces: Pieces | undefined
  if (mode.startsWith('stargz-dragonfly') && large[0]) {
    const log = await ctx.profile.clientLogs(node, mark.nodeSince[node.name]).catch(() => '')
    const timings = await pieceTimings(log, large[0].taskId)
    if (timings.length) pieces = routeStats(timings)
  }
  return {
    ms: outcome.durationMs,
    originBytes: bytesOf(origin),
    output: outcome.output.split('\n').pop() ?? '',
    ...(pieces ? { pieces } : {}),
  }
}

async function freshSampleImage(ctx: BenchContext, t: BenchTarget): Promise<SampleImage> {
  const layers = t.esgzManifest.layers.map((l) => ({ ...l, annotations: l.annotations ?? {} }))
  const fresh = await freshCopy(ctx.registry.localUrl, { esgzRef: t.esgzRef, layers })
  ctx.log(`${t.image.name}: fresh blobs ${fresh.esgzRef}`)
  return { esgzRef: fresh.esgzRef, esgzManifest: fresh.manifest as ImageManifest }
}

export async function benchmarkImage(ctx: BenchContext, t: BenchTarget): Promise<BenchmarkImage> {
  const modes = BENCHMARK_MODES.filter((m) => m !== 'stargz-dragonfly-warm' || ctx.workers.length >= 2)
  const samples = new Map<BenchmarkMode, Sample[]>(modes.map((m) => [m, []]))
  let copy: SampleImage = t
  for (let i = 1; i <= ctx.config.benchmarkSamples; i++) {
    // Interleaved so that slow drift of the machine spreads over every mode alike; warm follows cold.
    for (const mode of modes) {
      // Cold means no Dragonfly state at all, the scheduler's included: blobs of its own.
      if (mode === 'stargz-dragonfly-cold') copy = await freshSampleImage(ctx, t)
      const s = await sample(ctx, t, mode, mode.startsWith('stargz-dragonfly') ? copy : t)
      samples.get(mode)!.push(s)
      ctx.log(
        `${t.image.name} ${mode} #${i}: ${(s.ms / 1000).toFixed(2)}s, origin ${(s.originBytes / 2 ** 20).toFixed(1)} MiB` +
          (s.pieces ? `; pieces ${piecesLine(s.pieces)}` : ''),
      )
    }
  }
  const results = withOciRatios(
    modes.map((m) => {
      const r = benchmarkResult(
        m,
        samples.get(m)!.map((s) => s.ms),
        samples.get(m)!.map((s) => s.originBytes),
      )
      const pieces = medianPieces(samples.get(m)!.map((s) => s.pieces))
      return pieces ? { ...r, pieces } : r
    }),
  )
  const large = t.esgzManifest.layers.reduce((max, l) => Math.max(max, l.size), 0)
  return {
    name: t.image.command[0]!,
    ref: t.esgzRef,
    versionCommand: t.image.command,
    largeLayerSize: large,
    results,
  }
}
