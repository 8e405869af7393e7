// The operations that break (and mend) the running system for the fault catalog. Each acts on the
// real components of the run's own cluster: processes in its nodes, files they read, its registry's
// content, firewall rules inside its nodes (components stopped and started are the profile's:
// Profile.stopComponent). Nothing here edits evidence.
import { mkdtemp, rm, writeFile as writeLocalFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { largestFilePayload } from '../estargz/payload-range.ts'
import { exec, readFile, sh, systemctl, writeFile, type Node } from '../profiles/node.ts'
import {
  getRawManifest,
  parseRef,
  pushBlob,
  putManifest as putRawManifest,
  readBlob,
  type RawManifest,
} from '../image/registry-client.ts'
import { sha256Digest } from '../image/fresh-blobs.ts'
import { tomlText } from '../render/format.ts'
import { DFDAEMON_PORTS } from '../render/ports.ts'
import { stargzConfig, type StargzConfig } from '../render/stargz-config.ts'
import { p2pStargzConfig } from '../stargz/configs.ts'
import { STARGZ_PATHS, STARGZ_UNIT, switchStargzConfig, waitForStargzPlugin } from '../stargz/install.ts'
import { waitFor } from '../base/wait.ts'
import type { FaultContext } from './types.ts'

/** The worker a single-node fault breaks: the last one (the first keeps the cluster's baseline). */
export function victim(ctx: FaultContext): Node {
  return ctx.workers[ctx.workers.length - 1]!
}

/** Waits until every Dragonfly component reports serving again. */
export async function waitDragonflyServing(ctx: FaultContext): Promise<void> {
  await waitFor(
    'every Dragonfly component to serve again',
    async () => (await ctx.profile.dragonflyStatus([ctx.controlPlane, ...ctx.workers])).every((s) => s.ok),
    { timeoutMs: ctx.stepMs, intervalMs: 1000 },
  )
}

export async function stopUnit(node: Node, unit: string): Promise<void> {
  await systemctl(node, 'stop', unit)
}

export async function startUnit(node: Node, unit: string): Promise<void> {
  await systemctl(node, 'start', unit)
}

/**
 * A crash: dfdaemon's process on `node` killed outright, found by its name in /proc (the node's own
 * unit on local, the pod's container on kind: both are processes of the node). systemd (Restart=always)
 * or kubelet restarts it on its own; returns once its restart count grew.
 */
export async function crashDfdaemon(ctx: FaultContext, node: Node): Promise<void> {
  const nodes = [ctx.controlPlane, ...ctx.workers]
  const count = async () =>
    (await ctx.profile.restarts(nodes))
      .filter((r) => r.where.endsWith(` on ${node.name}`))
      .reduce((n, r) => n + r.restarts, 0)
  const before = await count()
  await sh(
    node,
    'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = dfdaemon ] && kill -KILL "${p#/proc/}"; done; true',
  )
  await waitFor(`dfdaemon on ${node.name} to be restarted on its own`, async () => (await count()) > before, {
    timeoutMs: ctx.stepMs,
    intervalMs: 1000,
  })
}

/** A snapshotter config derived from the healthy one, changed by `edit`, written to every worker. */
export async function writeStargzVariant(ctx: FaultContext, edit: (c: StargzConfig) => void): Promise<void> {
  const c = stargzConfig(ctx.config, 'dragonfly')
  edit(c)
  for (const w of ctx.workers) await switchStargzConfig(w, tomlText(c), ctx.stepMs)
}

export async function restoreStargzConfig(ctx: FaultContext): Promise<void> {
  for (const w of ctx.workers) await switchStargzConfig(w, p2pStargzConfig(ctx.config).text, ctx.stepMs)
}

/** The dragonfly mirror of the registry under test in a snapshotter config. */
export function dragonflyMirror(c: StargzConfig) {
  const host = Object.values(c.resolver.host)[0]
  const mirror = host?.mirrors[0]
  if (!mirror) throw new Error('the rendered snapshotter config has no mirror')
  return mirror
}

/** Drops peer-to-peer piece traffic (dfdaemon's upload port) between every pair of peers. */
/**
 * Firewall rules in every node, in the two chains a peer's traffic crosses there: INPUT for the
 * daemons on the node's own network (local, kind's clients), FORWARD for pods behind it (kind's
 * seed peer has an address of its own).
 */
async function nodeRules(
  ctx: FaultContext,
  chains: string[],
  rule: (node: Node) => Promise<string[]>,
  op: '-I' | '-D',
) {
  for (const n of [ctx.controlPlane, ...ctx.workers]) {
    const args = await rule(n)
    for (const chain of chains)
      await exec(n, ['iptables', op, chain, ...args], op === '-D' ? { allowFailure: true } : {})
  }
}

const UPLOAD_PORT_DROPPED = async () => ['-p', 'tcp', '--dport', String(DFDAEMON_PORTS.upload), '-j', 'DROP']

export const blockUploadPort = (ctx: FaultContext) =>
  nodeRules(ctx, ['INPUT', 'FORWARD'], UPLOAD_PORT_DROPPED, '-I')
export const unblockUploadPort = (ctx: FaultContext) =>
  nodeRules(ctx, ['INPUT', 'FORWARD'], UPLOAD_PORT_DROPPED, '-D')

/**
 * The origin as the nodes resolve it, refused in every node (a reset, so a pull fails at once
 * rather than on a connect timeout): what leaves the node itself (OUTPUT) and its pods (FORWARD).
 * The registry container itself stays up, its address and its log as they were.
 */
function originRefused(ctx: FaultContext) {
  const [name, port] = ctx.registry.host.split(':') as [string, string]
  return async (node: Node) => {
    const ip = (await exec(node, ['getent', 'hosts', name], { allowFailure: true })).stdout
      .trim()
      .split(/\s+/)[0]
    if (!ip) throw new Error(`${name} does not resolve on ${node.name}`)
    return ['-d', ip, '-p', 'tcp', '--dport', port, '-j', 'REJECT', '--reject-with', 'tcp-reset']
  }
}

export const blockOrigin = (ctx: FaultContext) =>
  nodeRules(ctx, ['OUTPUT', 'FORWARD'], originRefused(ctx), '-I')
export const unblockOrigin = (ctx: FaultContext) =>
  nodeRules(ctx, ['OUTPUT', 'FORWARD'], originRefused(ctx), '-D')

/** Removes the FUSE device node from a worker (the snapshotter then cannot mount layers lazily). */
export async function removeFuse(node: Node): Promise<void> {
  // kind's podman nodes get /dev/fuse as a bind mount of the host's device ("Device or resource
  // busy" to rm): unmounted first, in the node's own mount namespace only.
  await sh(node, "if grep -qs ' /dev/fuse ' /proc/self/mountinfo; then umount /dev/fuse; fi; rm -f /dev/fuse")
}

export async function restoreFuse(node: Node): Promise<void> {
  // FUSE is character device 10,229 on Linux.
  await sh(node, 'test -c /dev/fuse || { mknod /dev/fuse c 10 229 && chmod 0666 /dev/fuse; }')
}

/** containerd's config without the stargz proxy plugin; returns the original text to restore. */
export async function dropStargzPlugin(node: Node, ctx: FaultContext): Promise<string> {
  const original = await readFile(node, STARGZ_PATHS.containerdConfig)
  const parsed = parseToml(original) as { proxy_plugins?: Record<string, unknown> }
  if (parsed.proxy_plugins) delete parsed.proxy_plugins.stargz
  await writeFile(node, STARGZ_PATHS.containerdConfig, tomlText(parsed))
  await systemctl(node, 'restart', 'containerd')
  await waitForContainerd(node, ctx.stepMs)
  return original
}

export async function restoreContainerdConfig(node: Node, text: string, ctx: FaultContext): Promise<void> {
  await writeFile(node, STARGZ_PATHS.containerdConfig, text)
  await systemctl(node, 'restart', 'containerd')
  await waitForStargzPlugin(node, ctx.stepMs)
}

async function waitForContainerd(node: Node, timeoutMs: number): Promise<void> {
  await waitFor(
    `containerd to answer on ${node.name}`,
    async () => (await exec(node, ['ctr', 'version'], { allowFailure: true })).exitCode === 0,
    { timeoutMs },
  )
}

export async function stopSnapshotter(node: Node): Promise<void> {
  await systemctl(node, 'stop', STARGZ_UNIT)
}

export async function startSnapshotter(node: Node, ctx: FaultContext): Promise<void> {
  await systemctl(node, 'start', STARGZ_UNIT)
  await waitForStargzPlugin(node, ctx.stepMs)
}

/** The raw manifest of a reference, straight from the origin's API, with its media type. */
export async function getManifest(ctx: FaultContext, ref: string): Promise<RawManifest> {
  const { name, tag } = parseRef(ref)
  return getRawManifest(ctx.registry.localUrl, name, tag)
}

/** Pushes a manifest under a reference's tag (the blobs it names must be in the repository). */
export async function putManifest(ctx: FaultContext, ref: string, m: RawManifest): Promise<void> {
  const { name, tag } = parseRef(ref)
  await putRawManifest(ctx.registry.localUrl, name, tag, m)
}

/**
 * A copy of `blob` with one byte inverted in the middle of `range` (a file's compressed data): same
 * length; the TOC, and so its digest annotation, stay as they were.
 */
export function flipByteIn(
  blob: Buffer,
  range: { start: number; end: number },
): { bytes: Buffer; offset: number } {
  const bytes = Buffer.from(blob)
  const offset = Math.floor((range.start + range.end) / 2)
  bytes[offset] = bytes[offset]! ^ 0xff
  return { bytes, offset }
}

/**
 * Re-pushes `ref` with its largest layer's blob corrupted in its largest file's data (a new blob under
 * its own digest: the registry checks digests on upload). Returns the manifest it replaced.
 */
export async function corruptLargestLayer(
  ctx: FaultContext,
  ref: string,
): Promise<{ original: { body: string; type: string }; file: string }> {
  const original = await getManifest(ctx, ref)
  const m = JSON.parse(original.body) as { layers: { digest: string; size: number }[] }
  const large = [...m.layers].sort((a, b) => b.size - a.size)[0]!
  const { name } = parseRef(ref)
  const blob = await readBlob(ctx.registry.localUrl, name, large.digest)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'd7y-corrupt-'))
  let range
  try {
    await writeLocalFile(path.join(dir, 'layer'), blob)
    range = await largestFilePayload(path.join(dir, 'layer'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const { bytes, offset } = flipByteIn(blob, range)
  const digest = sha256Digest(bytes)
  await pushBlob(ctx.registry.localUrl, name, bytes, digest)
  const was = large.digest
  large.digest = digest
  await putManifest(ctx, ref, { body: JSON.stringify(m), type: original.type })
  ctx.log(
    `layer ${was.slice(0, 19)} re-pushed as ${digest.slice(0, 19)}: byte ${offset} inverted, in the data of ${range.name} (${range.size} bytes)`,
  )
  return { original, file: range.name }
}
