// One catalog entry against the running cluster: clean baseline, inject, the same concurrent pull as
import { errorLine } from '../base/error-line.ts'
// the conformance run, the same evidence, every check judged, the cause diagnosed, then restore.
import { judgeLayers, onDemandFigures, singleBackToSource } from '../checks/back-to-source.ts'
import { imageRuns } from '../checks/image-runs.ts'
import { restartedBetween } from '../checks/restarts.ts'
import { rootfsContent } from '../checks/rootfs-content.ts'
import { hashRootfs } from '../image/rootfs-hash.ts'
import { remoteSnapshots, taskSucceeded } from '../checks/node-evidence.ts'
import type { Verdict } from '../checks/verdict.ts'
import { dfdaemonEvidence, originEvidence } from '../evidence/collect.ts'
import { probePeerLinks } from '../evidence/peer-links.ts'
import { DFDAEMON_PORTS } from '../render/ports.ts'
import { freshCopy } from '../image/fresh-blobs.ts'
import { resetImageState } from '../stargz/install.ts'
import { validateImageLayers } from '../image/validate-layers.ts'
import {
  backToSourceFacts,
  collectPhase,
  dragonflyTraffic,
  imageLayers,
  markPhase,
  originTable,
  runOnWorkers,
  viaDfdaemonOf,
  type PhaseMark,
} from '../run/pull-phase.ts'
import type { LayerInfo } from '../run/state.ts'
import { stargzPluginVerdict, workerPluginStates } from '../stargz/plugin-check.ts'
import { waitFor } from '../base/wait.ts'
import { diagnoseCause } from './cause.ts'
import { compareFault } from './compare.ts'
import type { FaultResult } from './result.ts'
import { FAULT_CHECKS, type FaultCheck } from './checks-and-causes.ts'
import type { FaultContext, FaultEntry } from './types.ts'

/** A fault's pull may never finish its tasks: judge once nothing has moved for this long. */
const QUIET_MS = 15_000
const FAULT_PULL_TIMEOUT_MS = 5 * 60_000

/**
 * Until every worker's dfdaemon finished the large layers' tasks, or nothing moved (origin bytes,
 * the layers' tasks in dfdaemon's logs) for QUIET_MS: a broken pull settles without finishing.
 */
async function awaitSettled(ctx: FaultContext, mark: PhaseMark, taskIds: string[], manifest: unknown) {
  let last = ''
  let since = Date.now()
  await waitFor(
    'the fault pull to finish or settle',
    async () => {
      const origin = await originEvidence(ctx.registry, manifest, mark.hostSince).catch(() => undefined)
      const logs = await Promise.all(
        ctx.workers.map((w) => dfdaemonEvidence(ctx.profile, w, taskIds, mark.nodeSince[w.name])),
      )
      const done = logs.every((s) =>
        taskIds.every((id) => (s.tasks[id]?.peerFinished ?? 0) + (s.tasks[id]?.failed ?? 0) > 0),
      )
      if (done) return true
      // Only what concerns the image: dfdaemon logs its own periodic work all the time.
      const now = JSON.stringify([origin?.rows.map((r) => r.bytesServed), logs.map((s) => s.tasks)])
      if (now !== last) {
        last = now
        since = Date.now()
        return false
      }
      return Date.now() - since >= QUIET_MS
    },
    { timeoutMs: FAULT_PULL_TIMEOUT_MS, intervalMs: 2000 },
  )
}

const cannot = (why: string): Verdict => ({ passed: false, diagnosis: `cannot judge: ${why}`, evidence: {} })

export async function runFault(entry: FaultEntry, shared: FaultContext): Promise<FaultResult> {
  const started = Date.now()
  const base = {
    id: entry.id,
    title: entry.title,
    expectRed: entry.expectRed,
    cause: entry.cause,
    control: entry.control,
  }
  let result: FaultResult | undefined
  let error: string | undefined
  let ctx = shared
  let origin: FaultResult['origin']
  try {
    // A clean baseline: no image state on the workers (containerd reuses a snapshot by the layer's
    // uncompressed chain id, which a fresh copy shares, so an earlier pull's lazy snapshot would serve
    // this one), and blobs of its own (new digests: no dfdaemon or scheduler task of an earlier entry
    // or chapter applies, so Dragonfly need not restart), published before the fault (which may cut
    // the origin off). Faults that rewrite the eStargz tag rewrite this copy's tag.
    ctx.log(`${entry.id}: clean baseline (image state on the workers, fresh blobs)`)
    for (const w of ctx.workers) await resetImageState(w, ctx.stepMs)
    const copy = await freshCopy(ctx.registry.localUrl, ctx.image)
    ctx = {
      ...ctx,
      image: { ...ctx.image, esgzRef: copy.esgzRef, layers: copy.layers, manifest: copy.manifest },
    }
    ctx.log(`${entry.id}: fresh blobs ${copy.esgzRef}`)
    const nodes = [ctx.controlPlane, ...ctx.workers]
    const restartsBefore = await ctx.profile.restarts(nodes)
    ctx.log(`${entry.id}: inject: ${entry.simulates}`)
    const setup = await entry.inject(ctx)
    const values = setup.values ?? ctx.values
    // What the tag names now (a fault may have re-pushed it), validated as the conformance run does.
    const image = await validateImageLayers(ctx.registry.localUrl, ctx.image.esgzRef).catch((err: Error) => ({
      manifest: ctx.image.manifest,
      layers: ctx.image.layers as LayerInfo[],
      verdict: cannot(
        `the image under ${ctx.image.esgzRef} could not be read from the origin: ${err.message}`,
      ),
    }))
    const layers = imageLayers({ esgzRef: ctx.image.esgzRef, layers: image.layers }, ctx.config, values)
    // A snapshot for the diagnosis: a host the fault removed from the scheduler will not come back.
    const status = await ctx.profile.dragonflyStatus([ctx.controlPlane, ...ctx.workers], { settleMs: 2000 })
    const links = await probePeerLinks(
      [ctx.controlPlane, ...ctx.workers],
      DFDAEMON_PORTS.upload,
      3,
      (await ctx.profile.peerAddresses?.()) ?? {},
    )
    const plugin = await workerPluginStates(ctx.workers)
    const mark = await markPhase(ctx.workers, `${process.env.D7Y_RUN_ID ?? 'faults'}/${entry.id}`)
    const before = await dragonflyTraffic(ctx.profile, ctx.workers).catch(
      (err: Error) => `scrape failed: ${err.message}`,
    )
    ctx.log(`${entry.id}: pull on ${ctx.workers.map((w) => w.name).join(', ')} at once`)
    const outcomes = await runOnWorkers(
      ctx.workers,
      ctx.image.esgzRef,
      ctx.config.image.command,
      ctx.log,
      'concurrent',
    )
    await awaitSettled(
      ctx,
      mark,
      layers.map((l) => l.taskId),
      image.manifest,
    ).catch((err: Error) => ctx.log(`${entry.id}: judging without waiting further: ${err.message}`))
    const ev = await collectPhase(
      ctx.profile,
      ctx.registry,
      image.manifest,
      ctx.workers,
      layers,
      mark,
      before,
    )
    const facts = backToSourceFacts(ev, layers, image.layers)
    origin = { p2p: originTable(ev.origin), p2pOnDemand: judgeLayers(facts).map(onDemandFigures) }
    // After the evidence: these reads must not fall into the pull's window.
    const hashes = await Promise.all(ctx.workers.map((w) => hashRootfs(w, ctx.image.esgzRef, 'sample')))
    const restartsAfter = await ctx.profile.restarts(nodes)
    const verdicts: Record<FaultCheck, Verdict> = {
      'stargz-plugin': { ...stargzPluginVerdict(plugin), evidence: plugin },
      'estargz-valid': image.verdict,
      'image-runs': imageRuns(outcomes, {
        ref: ctx.image.esgzRef,
        command: ctx.config.image.command,
        expectOutput: ctx.config.image.expectOutput,
        workers: ctx.workers.length,
      }),
      'remote-snapshots': remoteSnapshots(ev.workers, layers),
      'via-dfdaemon': viaDfdaemonOf(ev, layers),
      'task-succeeded': taskSucceeded(ev.workers, layers),
      'single-back-to-source': singleBackToSource(facts),
      'rootfs-content': rootfsContent(ctx.image.rootfs, hashes, ctx.workers.length, 'sample'),
      'no-restarts': restartedBetween(restartsBefore, restartsAfter),
    }
    const cause = diagnoseCause({
      verdicts,
      outcomes,
      evidence: ev,
      status,
      taskIds: layers.map((l) => l.taskId),
      links,
    })
    result = compareFault(base, verdicts, cause, 0)
  } catch (err) {
    error = errorLine(err)
  } finally {
    ctx.log(`${entry.id}: restore`)
    await entry.restore(ctx).catch((err: Error) => {
      error = `${error ? `${error}; ` : ''}restore failed: ${errorLine(err)}`
    })
  }
  const durationMs = Date.now() - started
  if (!result)
    return {
      ...compareFault(
        base,
        Object.fromEntries(FAULT_CHECKS.map((c) => [c, cannot('the fault did not run')])) as Record<
          FaultCheck,
          Verdict
        >,
        { code: 'unknown', sentence: error ?? 'did not run' },
        durationMs,
      ),
      ok: false,
      error: error ?? 'did not run',
    }
  return { ...result, durationMs, ...(origin ? { origin } : {}), ...(error ? { ok: false, error } : {}) }
}
