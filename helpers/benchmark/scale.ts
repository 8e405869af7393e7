// The scale benchmark's samples (chapter 85): on the first N workers of the cluster the conformance
// chapters built, one pull of the test image in one routing mode and pull pattern, from clean state,
// with the origin's bytes, each node's time to its output, where each node's bytes came from, the
// daemons' peak footprint and, through Dragonfly, the P2P checks of chapters 60 and 70.
import type { Config } from '../run/config.ts'
import type { Node } from '../profiles/node.ts'
import type { Log } from '../base/progress.ts'
import type { Profile } from '../profiles/profile.ts'
import {
  awaitDfdaemonTasks,
  awaitOriginTransfers,
  collectPhase,
  dragonflyTraffic,
  imageLayers,
  markPhase,
  resetForPull,
  runOnWorkers,
  type PullPattern,
} from '../run/pull-phase.ts'
import { LARGE_LAYER_BYTES } from '../checks/back-to-source.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'
import type { ScaleMode, ScaleSample } from '../report/scale-types.ts'
import type { LayerInfo } from '../run/state.ts'
import { directStargzConfig, p2pStargzConfig } from '../stargz/configs.ts'
import { switchStargzConfig } from '../stargz/install.ts'
import { freshCopy, type FreshImage } from '../image/fresh-blobs.ts'
import { runContainers, startResourceSampler, type ResourceSampler } from './scale-sampler.ts'
import {
  layerSamples,
  nodeTimings,
  p2pVerdicts,
  parentPieces,
  sampleTotals,
  timingSummary,
} from './scale-sample.ts'

export interface ScaleContext {
  config: Config
  profile: Profile
  registry: OriginRegistry
  image: { esgzRef: string; layers: LayerInfo[]; manifest: unknown }
  /** every worker of the cluster, in order; a point of N uses the first N */
  workers: Node[]
  controlPlane: Node
  runId: string
}

export interface SampleSpec {
  kind: ScaleSample['kind']
  n: number
  mode: ScaleMode
  pattern: PullPattern
  rep: number
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`

export function sampleName(s: Pick<SampleSpec, 'kind' | 'n' | 'mode' | 'pattern' | 'rep'>): string {
  return `${s.kind === 'stability' ? 'stability ' : ''}N=${s.n} ${s.mode} ${s.pattern} #${s.rep}`
}

/** One progress line: N, mode, pattern, rep, times, origin bytes and amplification, the checks. */
export function sampleLine(s: ScaleSample): string {
  if (s.error) return `${sampleName(s)}: not measured: ${s.error}`
  const checks = s.verdicts
    ? `; checks ${Object.entries(s.verdicts)
        .map(([id, v]) => `${id} ${v.status}`)
        .join(', ')}`
    : ''
  return (
    `${sampleName(s)}: last node ${(s.lastNodeMs / 1000).toFixed(2)}s (p50 ${(s.p50Ms / 1000).toFixed(2)}s, ` +
    `max ${(s.maxMs / 1000).toFixed(2)}s), origin ${mib(s.originBytes)} = ${s.rawAmplification.toFixed(2)}x raw` +
    (s.attributedAmplification !== undefined
      ? ` (${s.attributedAmplification.toFixed(2)}x attributed)`
      : '') +
    checks +
    (s.waited === true ? '' : `; evidence collected without waiting further: ${s.waited}`)
  )
}

/**
 * Runs samples on one cluster. It remembers which snapshotter config each worker has and which
 * dfdaemons hold pieces of the image (every worker at first: the conformance chapters pulled on all),
 * so an idle worker's cache is cleared before any sample in which it could serve as a peer.
 */
export class ScaleRunner {
  private readonly mode = new Map<string, ScaleMode>()
  private readonly dirty: Set<string>
  private containers?: string[]

  constructor(private readonly ctx: ScaleContext) {
    this.dirty = new Set(ctx.workers.map((w) => w.name))
  }

  /** The image a sample pulls: the test image, or (D7Y_SCALE_BLOBS=fresh) a restamped copy of it. */
  private async imageFor(log: Log): Promise<FreshImage> {
    if (this.ctx.config.scaleBlobs === 'same') return this.ctx.image
    const image = await freshCopy(this.ctx.registry.localUrl, this.ctx.image)
    log(`fresh blobs: ${image.esgzRef}`)
    return image
  }

  private get stepMs() {
    return this.ctx.config.stepTimeoutMinutes * 60_000
  }

  /** Clean state on the sample's workers (in the mode's config), empty seed and idle caches. */
  private async prepare(active: Node[], mode: ScaleMode, log: Log): Promise<void> {
    const config =
      mode === 'dragonfly' ? p2pStargzConfig(this.ctx.config).text : directStargzConfig(this.ctx.config)
    for (const w of active)
      if (this.mode.get(w.name) !== mode) {
        log(`${w.name}: snapshotter mirror → ${mode}`)
        // An unknown config is marked first: if the switch throws, the next sample switches again.
        this.mode.delete(w.name)
        await switchStargzConfig(w, config, this.stepMs)
        this.mode.set(w.name, mode)
      }
    await resetForPull(this.ctx.profile, active, this.stepMs, log)
    for (const w of active) this.dirty.delete(w.name)
    const idle = this.ctx.workers.slice(active.length).filter((w) => this.dirty.has(w.name))
    if (idle.length) {
      log(`clearing the dfdaemon caches of idle ${idle.map((w) => w.name).join(', ')} (they hold the image)`)
      await this.ctx.profile.resetDragonfly(idle, { includeSeed: false })
      for (const w of idle) this.dirty.delete(w.name)
    }
  }

  async sample(spec: SampleSpec, log: Log): Promise<ScaleSample> {
    const { config, profile, registry } = this.ctx
    const active = this.ctx.workers.slice(0, spec.n)
    // Sizes are the same in a fresh copy; digests and task ids are taken from the sample's image.
    const largeBytes = this.ctx.image.layers
      .filter((l) => l.size >= LARGE_LAYER_BYTES)
      .reduce((s, l) => s + l.size, 0)
    const base: ScaleSample = {
      ...spec,
      startedAt: new Date().toISOString(),
      workers: active.map((w) => w.name),
      timings: [],
      p50Ms: 0,
      maxMs: 0,
      lastNodeMs: 0,
      originBytes: 0,
      image: this.ctx.image.esgzRef,
      largeLayerBytes: largeBytes,
      rawAmplification: 0,
      layers: [],
      traffic: {},
      resources: [],
      waited: true,
    }
    if (active.length < spec.n)
      return { ...base, error: `${spec.n} workers asked, the cluster has ${this.ctx.workers.length}` }
    let sampler: ResourceSampler | undefined
    let resources: Awaited<ReturnType<ResourceSampler['stop']>> | undefined
    const stopSampler = async () => {
      if (sampler && !resources) resources = await sampler.stop()
    }
    try {
      const image = await this.imageFor(log)
      const layers = imageLayers(image, config)
      const large = layers.filter((l) => l.size >= LARGE_LAYER_BYTES)
      base.image = image.esgzRef
      await this.prepare(active, spec.mode, log)
      this.containers ??= await runContainers(this.ctx.runId, [this.ctx.controlPlane, ...this.ctx.workers])
      const mark = await markPhase(active, this.ctx.runId)
      const before = await dragonflyTraffic(profile, active).catch(
        (err: Error) => `scrape before the pull failed: ${err.message}`,
      )
      sampler = startResourceSampler({
        nodes: [this.ctx.controlPlane, ...active],
        controlPlane: this.ctx.controlPlane.name,
        containers: this.containers,
      })
      // Each node's moment of output, from one shared start: runOnWorkers logs a node's line as
      // soon as its container has exited.
      const doneAt: Record<string, number> = {}
      const t0 = Date.now()
      for (const w of active) this.dirty.add(w.name)
      const outcomes = await runOnWorkers(
        active,
        image.esgzRef,
        config.image.command,
        (line) => {
          const node = active.find((w) => line.startsWith(`${w.name}: exit `))
          if (node && doneAt[node.name] === undefined) doneAt[node.name] = Date.now() - t0
          log(line)
        },
        spec.pattern,
      )
      const timings = nodeTimings(outcomes, config.image.expectOutput, spec.pattern, doneAt)
      const waited =
        spec.mode === 'dragonfly'
          ? await awaitDfdaemonTasks(profile, active, layers, mark, this.stepMs, {
              registry,
              manifest: image.manifest,
            }).catch((err: Error) => err.message)
          : await awaitOriginTransfers(registry, image.manifest, active, layers, mark, this.stepMs)
              .then(() => true as const)
              .catch((err: Error) => err.message)
      await stopSampler()
      const ev = await collectPhase(profile, registry, image.manifest, active, layers, mark, before)
      const parents: Record<string, Record<string, Record<string, number[]>>> = {}
      if (spec.mode === 'dragonfly')
        for (const w of active)
          parents[w.name] = await parentPieces(
            await profile.clientLogs(w, mark.nodeSince[w.name]),
            large.map((l) => l.taskId),
          )
      const layerRows = layerSamples(ev, layers, image.layers, spec.mode, parents)
      const failed = timings.filter((t) => !t.ok)
      return {
        ...base,
        timings,
        ...timingSummary(timings),
        ...sampleTotals(layerRows),
        layers: layerRows,
        traffic: Object.fromEntries(ev.workers.map((w) => [w.node, w.traffic])),
        ...(spec.mode === 'dragonfly' ? { verdicts: p2pVerdicts(ev, layers, image.layers) } : {}),
        resources: resources?.peaks ?? [],
        ...(resources?.problems.length ? { resourceProblems: resources.problems } : {}),
        waited,
        ...(failed.length
          ? {
              error: `the image did not run on ${failed.map((t) => `${t.node} (exit ${t.exitCode})`).join(', ')}`,
            }
          : {}),
      }
    } catch (err) {
      await stopSampler().catch(() => undefined)
      return {
        ...base,
        resources: resources?.peaks ?? [],
        error: (err as Error).message.split('\n')[0] ?? String(err),
      }
    }
  }
}
