// The one run state shared by the ordered chapters: the typed context and the live handles. The conformance project runs every
// file in one worker without isolation, so this module's state survives between chapters; it is
// also written to reports/run-state.json so the teardown (another process) can write the summary.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { loadConfig, type Config } from './config.ts'
import type { DaemonFootprint } from '../evidence/daemon-footprint.ts'
import type { FaultResult } from '../faults/result.ts'
import type { Node } from '../profiles/node.ts'
import type { OnDemandFigures, OriginRow } from '../evidence/origin-figures.ts'
import type { OriginRegistry } from '../image/origin-registry.ts'

export type CheckStatus = 'passed' | 'failed' | 'not run'

export interface CheckResult {
  id: string
  title: string
  status: CheckStatus
  /** one line: what was seen (passed) or what to do about it (failed / not run) */
  diagnosis: string
  evidence?: unknown
}

export interface LayerInfo {
  digest: string
  size: number
  mediaType: string
  annotations: Record<string, string>
  /** where the eStargz TOC starts, as the validator found it */
  tocOffset?: number
  /** where the layer's prefetch landmark member starts (the prefetched files lie before it) */
  landmarkOffset?: number
}

export interface ToolInfo {
  name: string
  version: string
  source: string
  path: string
  /** what the component itself said its version is, where it ran (not the pin) */
  ran?: { where: string; command: string; version?: string; output: string }[]
}

export interface RunState {
  runId: string
  startedAt: string
  profile: Config['profile']
  network?: string
  nodes: Node[]
  registry?: { host: string; localUrl: string; container: string }
  image?: {
    plainRef: string
    esgzRef: string
    configDigest: string
    layers: LayerInfo[]
    manifest: unknown
    /** the root filesystem the pushed layers make: path → content digest (rootfs-content) */
    rootfs?: Record<string, string>
  }
  tools: ToolInfo[]
  checks: CheckResult[]
  origin: { p2p?: OriginRow[]; control?: OriginRow[]; p2pOnDemand?: OnDemandFigures[] }
  /** registry log line counts marking where each phase's origin evidence starts */
  marks: Record<string, number | string>
  notes: string[]
  benchmark?: unknown
  /** the fault catalog's results, in catalog order */
  faults?: FaultResult[]
  /** the daemons' peak memory and CPU time through the P2P pull (chapter 60) */
  footprint?: DaemonFootprint[]
}

let config: Config | undefined
let state: RunState | undefined

export function runConfig(): Config {
  config ??= loadConfig()
  return config
}

export function statePath(cfg: Config = runConfig()): string {
  return path.join(cfg.reportsDir, 'run-state.json')
}

export function runState(): RunState {
  if (!state) {
    const cfg = runConfig()
    try {
      state = JSON.parse(readFileSync(statePath(cfg), 'utf8')) as RunState
      if (state.runId !== process.env.D7Y_RUN_ID) throw new Error('stale state from another run')
    } catch {
      state = {
        runId: process.env.D7Y_RUN_ID ?? `r${Date.now().toString(36)}`,
        startedAt: new Date().toISOString(),
        profile: cfg.profile,
        nodes: [],
        tools: [],
        checks: [],
        origin: {},
        marks: {},
        notes: [],
      }
    }
  }
  return state
}

export function saveState(): void {
  const s = runState()
  mkdirSync(path.dirname(statePath()), { recursive: true })
  writeFileSync(statePath(), JSON.stringify(s, null, 2))
}

export function updateState(change: (s: RunState) => void): RunState {
  const s = runState()
  change(s)
  saveState()
  return s
}

export function workers(): Node[] {
  return runState().nodes.filter((n) => n.role === 'worker')
}

export function controlPlane(): Node {
  const node = runState().nodes.find((n) => n.role === 'control-plane')
  if (!node) throw new Error('no control-plane node in this run: the cluster chapter did not complete')
  return node
}

/** Diagnosis prefix of a check whose own step threw before it was judged (checks/step.ts). */
export const STEP_THREW = 'step threw: '

/** Records a check's verdict (replacing an earlier one with the same id). */
export function recordCheck(result: CheckResult): CheckResult {
  updateState((s) => {
    s.checks = s.checks.filter((c) => c.id !== result.id)
    s.checks.push(result)
  })
  return result
}

/** Says something the reader of the run must see (a missing component, a substitute) loudly. */
export function loudNote(message: string): void {
  console.warn(`\n!!! ${message}\n`)
  updateState((s) => {
    if (!s.notes.includes(message)) s.notes.push(message)
  })
}

export type Prerequisite = 'preflight' | 'nodes' | 'registry' | 'dragonfly' | 'image' | 'stargz' | 'p2p-pull'

function has(what: Prerequisite): boolean {
  const s = runState()
  switch (what) {
    case 'preflight':
      return s.marks.preflight === 'ok'
    case 'nodes':
      return s.nodes.length > 0
    case 'registry':
      return s.registry !== undefined
    case 'dragonfly':
      // the Dragonfly chapter judged its readiness (passed or not): there is something to look at
      return s.checks.some((c) => c.id === 'dragonfly-ready')
    case 'image':
      return s.image !== undefined
    case 'stargz':
      return s.checks.some((c) => c.id === 'stargz-plugin' && c.status === 'passed')
    case 'p2p-pull':
      // a run that threw part-way leaves no pull whose evidence could be judged
      return s.checks.some((c) => c.id === 'image-runs' && !c.diagnosis.startsWith(STEP_THREW))
  }
}

/**
 * Skips the current test when an earlier chapter did not produce what it needs, saying which:
 * later chapters then report "not run" instead of failing for a reason that is not theirs.
 */
export function requires(ctx: { skip: (note?: string) => void }, ...what: Prerequisite[]): void {
  const missing = what.filter((w) => !has(w))
  if (missing.length) ctx.skip(`needs ${missing.join(', ')} from an earlier chapter, which did not complete`)
}

// Live handles that only exist while the run's worker process is alive (the origin registry's
// container handle), beside the serialisable run state.
let registry: OriginRegistry | undefined

export function setRegistry(r: OriginRegistry): void {
  registry = r
}

export function originRegistry(): OriginRegistry {
  if (!registry) throw new Error('no origin registry in this run: the registry chapter did not complete')
  return registry
}
