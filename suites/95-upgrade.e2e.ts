// Chapter 9b (the upgrade gate): with D7Y_UPGRADE_FROM / D7Y_UPGRADE_TO, the run so far judged the
// FROM versions (the BEFORE summary). Now a reader runs on every worker from the eStargz image, the
// components are replaced in place one at a time in a maintainer's order (snapshotter, dfdaemon and
// the seed peer, scheduler), each step judged by what the readers went through, and a fresh pull
// after the last step is judged on every check (the AFTER summary). `compare` holds AFTER to BEFORE.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as allure from 'allure-js-commons'
import { afterAll, beforeEach, describe, expect, test } from 'vitest'
import { labelChapter } from '../helpers/report/allure-labels.ts'
import { checkTitle } from '../helpers/checks/catalog.ts'
import type { Verdict } from '../helpers/checks/verdict.ts'
import { collectRanVersions } from '../helpers/evidence/component-versions.ts'
import { FAULTS } from '../helpers/faults/catalog.ts'
import { faultContext } from '../helpers/faults/context.ts'
import { faultLine } from '../helpers/faults/compare.ts'
import type { FaultResult } from '../helpers/faults/result.ts'
import { runFault } from '../helpers/faults/run-fault.ts'
import { freshCopy, type FreshImage } from '../helpers/image/fresh-blobs.ts'
import { originEvidence } from '../helpers/evidence/collect.ts'
import { readFootprint } from '../helpers/evidence/daemon-footprint.ts'
import { dragonflyTraffic } from '../helpers/run/pull-phase.ts'
import { readRoutes } from '../helpers/upgrade/read-routes.ts'
import { profileFor } from '../helpers/profiles/profile-for.ts'
import { timed } from '../helpers/base/progress.ts'
import { compareMarkdown } from '../helpers/report/compare-markdown.ts'
import { compareSummaries, verdictLine, type Comparison } from '../helpers/report/compare.ts'
import { ranVersionOf } from '../helpers/report/ran-versions.ts'
import { buildSummary, type Summary } from '../helpers/report/summary.ts'
import {
  loudNote,
  originRegistry,
  recordCheck,
  requires,
  runConfig,
  runState,
  workers,
} from '../helpers/run/state.ts'
import { afterSummary } from '../helpers/upgrade/after-summary.ts'
import { parseReaderLog, pullLazily, type ReaderState } from '../helpers/upgrade/reader.ts'
import { readersOn, type Reader } from '../helpers/upgrade/readers.ts'
import { stepFigures, stepVerdict, type NodeReads } from '../helpers/upgrade/step-verdict.ts'
import { formatVersionSet, upgradeSteps, type UpgradeComponent } from '../helpers/upgrade/version-set.ts'
import { waitFor } from '../helpers/base/wait.ts'
import { upgradeStargzConfig } from '../helpers/stargz/configs.ts'
import { snapshotterFetched } from '../helpers/stargz/background-fetch.ts'
import { switchStargzConfig } from '../helpers/stargz/install.ts'

const config = runConfig()
const to = config.upgradeTo
const steps = to ? upgradeSteps(to) : []
/** seconds between two reads: ~6,600 files take ~6 min a round */
const PACE_S = 0.05
/** reads each reader must make after a step before it is judged */
const READS_AFTER = 20

const dir = () => path.join(config.reportsDir, 'upgrade')
const stepResults: { step: UpgradeComponent; verdict: Verdict }[] = []
let before: Summary | undefined
/** the readers (containers, and Pods where the profile has them) and their state when their step began */
let readerSet: Reader[] = []
let readers = new Map<string, ReaderState>()
/** the copy the readers run (its blobs: the origin's accounting of their reads) */
let readersImage: FreshImage | undefined
let after: { pull: FaultResult; comparison: Comparison } | undefined

function writeText(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
}

const writeJson = (file: string, value: unknown) => writeText(file, JSON.stringify(value, null, 2) + '\n')

const fromVersion = (c: UpgradeComponent) =>
  c === 'chart' ? config.chartVersion : config.toolVersions[c as Exclude<UpgradeComponent, 'chart'>]

async function readsAfter(since: number) {
  return Promise.all(
    readerSet.map(async (r) => ({ node: r.label, log: parseReaderLog(await r.logText().catch(() => '')) })),
  ).then((all) => all.map((a) => ({ node: a.node, count: a.log.reads.filter((r) => r.at >= since).length })))
}

/** A reader on every worker from a fresh copy of the image, awaited until each has read a little. */
async function startReaders(log: (l: string) => void): Promise<void> {
  const copy = await freshCopy(originRegistry().localUrl, runState().image!)
  readersImage = copy
  if (config.upgradeReads === 'cached') {
    // The layer whole in the snapshotter's cache before the readers start (its background fetch waits
    // while reads go on, so it would never finish under them): no read of theirs needs the network.
    const large = [...copy.layers].sort((a, b) => b.size - a.size)[0]!
    await Promise.all(workers().map((w) => pullLazily(w, copy.esgzRef)))
    await waitFor(
      `the snapshotter on every worker to have fetched the readers' layer ${large.digest.slice(0, 19)} whole`,
      async () =>
        (await Promise.all(workers().map((w) => snapshotterFetched(w, large.digest)))).every(Boolean),
      { timeoutMs: 5 * 60_000, intervalMs: 2000 },
    )
    log(
      `readers' layer ${large.digest.slice(0, 19)} fetched whole on every worker (D7Y_UPGRADE_READS=cached)`,
    )
  }
  readerSet = readersOn(await profileFor(config), workers())
  for (const r of readerSet) log(`${r.label}: reader ${await r.start(copy.esgzRef, PACE_S)}`)
  await waitFor(
    `every reader (${readerSet.map((r) => r.label).join(', ')}) to have read ${READS_AFTER} files`,
    async () => (await readsAfter(0)).every((r) => r.count >= READS_AFTER),
    { timeoutMs: 5 * 60_000, intervalMs: 2000 },
  )
  readers = new Map(await Promise.all(readerSet.map(async (r) => [r.label, await r.state()] as const)))
  log(`readers running: ${[...readers.values()].map((r) => `${r.node} ${r.id.slice(0, 12)}`).join(', ')}`)
}

describe.skipIf(!to)('upgrade in place', () => {
  beforeEach(async (ctx) => {
    await labelChapter('upgrade')
    requires(ctx, 'image', 'stargz')
  })

  test(`before (${formatVersionSet(config.upgradeFrom ?? {})}): the run so far, and a reader on every worker`, async () => {
    // The run so far, without the upgrade's own check (not run yet: it is judged on the AFTER side).
    const sofar = buildSummary(config, runState(), new Date())
    const checks = sofar.checks.filter((c) => c.id !== 'upgrade')
    before = { ...sofar, checks, passed: checks.every((c) => c.status === 'passed') }
    writeJson(path.join(dir(), 'before', 'summary.json'), before)
    await timed('upgrade readers', async (log) => {
      // The negative control leaves the direct (origin) config behind. The upgrade runs on the P2P
      // config with the origin as a fallback after dfdaemon, as production configs have it.
      const stargz = upgradeStargzConfig(config)
      log(`the snapshotter's config: ${stargz.source}`)
      for (const w of workers()) await switchStargzConfig(w, stargz.text, config.stepTimeoutMinutes * 60_000)
      await startReaders(log)
    })
    expect([...readers.values()].every((r) => r.running)).toBe(true)
  })

  for (const step of steps)
    test(`step ${step}: ${fromVersion(step)} → ${to![step]}`, async () => {
      expect(readers.size, 'no reader started (see the first test of this chapter)').toBeGreaterThan(0)
      const profile = await profileFor(config)
      if (!profile.upgradeComponent)
        throw new Error(`the ${config.profile} profile cannot upgrade in place yet`)
      const title = `${step} ${fromVersion(step)} → ${to![step]}`
      const verdict = await timed(`upgrade ${step}`, async (log) => {
        // Each step is judged on readers that were whole when it began: after a step broke them,
        // new ones start (the broken step is already red with its cause).
        const previous = stepResults.at(-1)
        if (previous && !previous.verdict.passed) {
          log(`new readers: the ${previous.step} step broke the previous ones`)
          await startReaders(log)
        }
        const trafficBefore = await dragonflyTraffic(profile, workers()).catch(() => ({}))
        const start = Date.now()
        await profile.upgradeComponent!(runState().nodes, step, to![step]!, log)
        // Dragonfly serves again only when the scheduler knows every host and the seed peer: what a
        // new pull needs to be served peer-to-peer (a restarted scheduler refills its seed list on a tick).
        await waitFor(
          'every Dragonfly component to serve again, known to the scheduler',
          async () => (await profile.dragonflyStatus(runState().nodes, { settleMs: 0 })).every((s) => s.ok),
          { timeoutMs: config.stepTimeoutMinutes * 60_000, intervalMs: 1000 },
        )
        const end = Date.now()
        log(
          `${title}: done in ${((end - start) / 1000).toFixed(1)} s (Dragonfly serving and known to the scheduler)`,
        )
        await waitFor(
          `every reader to read ${READS_AFTER} files after the step`,
          async () => (await readsAfter(end)).every((r) => r.count >= READS_AFTER),
          { timeoutMs: 90_000, intervalMs: 2000 },
        ).catch((err: Error) => log(`judging without waiting further: ${err.message}`))
        const observedUntil = Date.now()
        const nodes: NodeReads[] = await Promise.all(
          readerSet.map(async (r) => {
            const text = await r.logText().catch((err: Error) => `reader log unreadable: ${err.message}`)
            // the readers' own words, for the evidence and for a person
            const file = r.label.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/-+$/, '')
            writeText(path.join(dir(), 'readers', `${step}-${file}.log`), text)
            return {
              node: r.label,
              before: readers.get(r.label)!,
              after: await r.state().catch((err: Error) => ({ error: err.message.split('\n')[0]! })),
              reads: parseReaderLog(text).reads,
            }
          }),
        )
        const figures = stepFigures(
          step,
          { start, end, observedUntil },
          nodes,
          runState().image?.rootfs ?? {},
        )
        const routes = await Promise.all([
          dragonflyTraffic(profile, workers()),
          originEvidence(originRegistry(), readersImage!.manifest, new Date(start).toISOString()),
        ])
          .then(([after, origin]) => readRoutes(workers(), trafficBefore, after, origin))
          .catch((err: Error) => {
            log(`bytes by route not measured: ${err.message}`)
            return []
          })
        return stepVerdict(title, figures, nodes, routes)
      })
      stepResults.push({ step, verdict })
      await allure.attachment(`step ${step}`, JSON.stringify(verdict, null, 2), 'application/json')
      console.log(`${verdict.passed ? '✓' : '✗'} ${verdict.diagnosis}`)
      expect(verdict.passed, verdict.diagnosis).toBe(true)
    })

  test(`after (${to ? formatVersionSet(to) : ''}): a fresh pull judged on every check, compared with before`, async () => {
    expect(before, 'no BEFORE summary (see the first test of this chapter)').toBeDefined()
    const profile = await profileFor(config)
    for (const r of readerSet) await r.remove()
    const baseline = FAULTS.find((f) => f.id === 'baseline')!
    const pull = await timed('upgrade after', async (log) =>
      runFault(
        { ...baseline, id: 'after-upgrade', title: 'a fresh pull after the upgrade' },
        await faultContext(log),
      ),
    )
    const status = await profile.dragonflyStatus(runState().nodes, { settleMs: 0 })
    // the daemons' footprint, as the BEFORE run read it after its P2P pull
    const { footprint, problems } = await readFootprint(runState().nodes)
    for (const p of problems) loudNote(`daemon footprint after the upgrade: ${p}`)
    const ran = await collectRanVersions(
      runState().nodes,
      runState().registry ? originRegistry() : undefined,
      await profile.dragonflyVersions(runState().nodes),
    )
    const tools: Record<string, string> = { ...config.toolVersions }
    for (const [c, v] of Object.entries(to!)) if (c !== 'chart') tools[c] = v
    const summary = afterSummary({
      before: before!,
      finishedAt: new Date(),
      pull,
      ready: {
        passed: status.every((s) => s.ok),
        diagnosis: status.map((s) => `${s.where}: ${s.detail}`).join('; '),
      },
      tools,
      chart: to!.chart ?? config.chartVersion,
      ran: Object.fromEntries(
        [...ran].flatMap(([tool, records]) => {
          const v = ranVersionOf({ ran: records })
          return v ? [[tool, v]] : []
        }),
      ),
      notes: stepResults.map((s) => `step ${s.step}: ${s.verdict.diagnosis}`),
      footprint,
    })
    writeJson(path.join(dir(), 'after', 'summary.json'), summary)
    const comparison = compareSummaries({ source: 'before', summary: before! }, { source: 'after', summary })
    writeJson(path.join(dir(), 'compare.json'), comparison)
    writeFileSync(path.join(dir(), 'compare.md'), compareMarkdown(comparison))
    after = { pull, comparison }
    console.log(faultLine(pull))
    expect(comparison.verdict.passed, verdictLine(comparison)).toBe(true)
  })

  afterAll(() => {
    const failedSteps = stepResults.filter((s) => !s.verdict.passed)
    const missing = steps.filter((s) => !stepResults.some((r) => r.step === s))
    const problems = [
      ...failedSteps.map((s) => s.verdict.diagnosis),
      ...missing.map((s) => `step ${s}: did not run`),
      ...(after
        ? after.comparison.verdict.passed
          ? []
          : [`after: ${verdictLine(after.comparison)}`]
        : ['after: the fresh pull did not run']),
    ]
    recordCheck({
      id: 'upgrade',
      title: checkTitle('upgrade'),
      status: problems.length ? 'failed' : 'passed',
      diagnosis: problems.length
        ? problems.join('; ')
        : `${formatVersionSet(config.upgradeFrom ?? {})} → ${formatVersionSet(to ?? {})}: ${stepResults.map((s) => s.step).join(', ')} replaced in place with the readers' root filesystems intact; after: every check held (${dir()}/compare.md)`,
      evidence: { steps: stepResults, after },
    })
  })
})
