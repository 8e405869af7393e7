// The local profile's dfdaemon configuration (a node's client and the seed peer), derived from the
// Helm values' client / seedClient `config` sections the way the chart's ConfigMap templates do
// (client-configmap.yaml, seed-client-configmap.yaml: every section except `console` and `log`, which
// become the --console / --log-level arguments), but manager-less.
//
// Manager-less dfdaemon (dragonfly-client 1.5.0 src/dynconfig/mod.rs, local.rs): when `manager.addr`
// is absent (None) the dynamic configuration comes from the file given by --dynconfig (default
// /etc/dragonfly/dynconfig.yaml). Its `scheduler.addrs` (static ip:port list) wins over
// `scheduler.addr` (one host:port resolved by DNS; default `dragonfly-scheduler:8002`). Any
// `manager.addr` value, even an empty string, selects the manager backend, so the key must be absent.
// A seed peer is a dfdaemon with `seedPeer: {enable: true, type: super}`; the scheduler finds seed
// peers among the hosts that announce themselves with that type (scheduler/resource/standard/seed_peer.go).
import { isIP } from 'node:net'
import type { DfdaemonValuesConfig, DragonflyValues } from './helm-values.ts'
import { GENERATED_NOTICE, yamlText } from './format.ts'
import { DRAGONFLY_PATHS } from './ports.ts'

export interface DfdaemonHost {
  /** advertised IP (dfdaemon uses the first non-loopback address when unset) */
  ip?: string
  /** host name (dfdaemon uses the system host name when unset) */
  hostname?: string
}

/** dfdaemon.yaml as the local profile writes it. */
export interface DfdaemonFile {
  host?: DfdaemonHost
  upload: DfdaemonValuesConfig['upload']
  seedPeer?: NonNullable<DfdaemonValuesConfig['seedPeer']>
  proxy: DfdaemonValuesConfig['proxy']
  health: DfdaemonValuesConfig['health']
  metrics: DfdaemonValuesConfig['metrics']
}

/** dfdaemon's local dynconfig.yaml (only `scheduler` is needed). */
export interface DfdaemonDynconfig {
  scheduler: { addr: string } | { addrs: string[] }
}

function checkHost(host: DfdaemonHost | undefined): DfdaemonHost | undefined {
  if (!host) return undefined
  if (host.ip !== undefined && isIP(host.ip) === 0)
    throw new Error(`dfdaemon host ip ${host.ip} is not an IP address`)
  const out: DfdaemonHost = {}
  if (host.ip) out.ip = host.ip
  if (host.hostname) out.hostname = host.hostname
  return Object.keys(out).length > 0 ? out : undefined
}

/** Keys of the chart's `config` that become command-line arguments, not dfdaemon.yaml. */
const CHART_ONLY = new Set(['console', 'log'])
const KNOWN = new Set(['upload', 'seedPeer', 'proxy', 'health', 'metrics'])

function fromValues(cfg: DfdaemonValuesConfig, host: DfdaemonHost | undefined, seed: boolean): DfdaemonFile {
  // Anything else a values overlay (D7Y_VALUES) sets goes into the file as the chart would put it.
  const others = Object.fromEntries(
    Object.entries(cfg).filter(([k]) => !CHART_ONLY.has(k) && !KNOWN.has(k) && k !== 'host'),
  )
  // The node's own address wins; the rest of the values' host (idc, location, …) is kept.
  const merged = { ...((cfg as { host?: Record<string, unknown> }).host ?? {}), ...(host ?? {}) }
  const file: DfdaemonFile = {
    ...(Object.keys(merged).length ? { host: merged } : {}),
    upload: cfg.upload,
    ...(seed ? { seedPeer: cfg.seedPeer ?? { enable: true, type: 'super' } } : {}),
    proxy: cfg.proxy,
    health: cfg.health,
    metrics: cfg.metrics,
    ...others,
  }
  return structuredClone(file)
}

export interface LocalDfdaemonInputs {
  host?: DfdaemonHost
}

/** A node's client: proxy on :4001 (the stargz mirror's 127.0.0.1:4001), upload 4000, metrics 4002, health 4003. */
export function dfdaemonClientConfig(
  values: DragonflyValues,
  inputs: LocalDfdaemonInputs = {},
): DfdaemonFile {
  const file = fromValues(values.client.config, checkHost(inputs.host), false)
  if (values.client.config.seedPeer?.enable) throw new Error('client.config.seedPeer.enable must not be set')
  return file
}

/** The seed peer: a dfdaemon announcing itself as a super seed peer. */
export function dfdaemonSeedConfig(values: DragonflyValues, inputs: LocalDfdaemonInputs = {}): DfdaemonFile {
  const file = fromValues(values.seedClient.config, checkHost(inputs.host), true)
  if (!file.seedPeer?.enable)
    throw new Error('seedClient.config.seedPeer.enable must be true for a seed peer')
  return file
}

const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/

function parseHostPort(addr: string): { host: string; port: number } {
  const m = HOST_PORT.exec(addr)
  const port = m ? Number(m[3]) : NaN
  if (!m || port < 1 || port > 65535) throw new Error(`scheduler address ${addr} is not host:port`)
  return { host: (m[1] ?? m[2]) as string, port }
}

/**
 * The client's and the seed peer's dynconfig.yaml. IP addresses become the static `addrs` list;
 * a single DNS name becomes `addr` (re-resolved on every refresh).
 */
export function dfdaemonDynconfig(schedulers: string | string[]): DfdaemonDynconfig {
  const list = typeof schedulers === 'string' ? [schedulers] : schedulers
  if (list.length === 0) throw new Error('dfdaemonDynconfig: no scheduler address')
  const parsed = list.map(parseHostPort)
  if (parsed.every((p) => isIP(p.host) !== 0)) return { scheduler: { addrs: [...list] } }
  if (list.length === 1) return { scheduler: { addr: list[0] as string } }
  throw new Error('dfdaemonDynconfig: give one DNS name or a list of IP:port addresses')
}

export interface DfdaemonPaths {
  config?: string
  dynconfig?: string
}

/** The arguments the chart would give the container, with the local file paths. */
export function dfdaemonArgs(cfg: DfdaemonValuesConfig, paths: DfdaemonPaths = {}): string[] {
  return [
    `--config=${paths.config ?? DRAGONFLY_PATHS.dfdaemonConfig}`,
    `--dynconfig=${paths.dynconfig ?? DRAGONFLY_PATHS.dfdaemonDynconfig}`,
    `--log-level=${cfg.log.level}`,
    ...(cfg.console ? ['--console'] : []),
  ]
}

const MANAGERLESS =
  'No manager.addr: dfdaemon loads its dynamic configuration (scheduler addresses) from the\n' +
  '--dynconfig file instead of a manager.'

export function renderDfdaemonClient(values: DragonflyValues, inputs: LocalDfdaemonInputs = {}): string {
  return yamlText(dfdaemonClientConfig(values, inputs), {
    header: `${GENERATED_NOTICE}\nLocal profile: a node's dfdaemon, from the Helm values' client.config.\n${MANAGERLESS}`,
  })
}

export function renderDfdaemonSeed(values: DragonflyValues, inputs: LocalDfdaemonInputs = {}): string {
  return yamlText(dfdaemonSeedConfig(values, inputs), {
    header: `${GENERATED_NOTICE}\nLocal profile: the seed peer's dfdaemon, from the Helm values' seedClient.config.\n${MANAGERLESS}`,
  })
}

export function renderDfdaemonDynconfig(schedulers: string | string[]): string {
  return yamlText(dfdaemonDynconfig(schedulers), {
    header: `${GENERATED_NOTICE}\nLocal profile: dfdaemon's dynconfig.yaml (read only when manager.addr is unset).`,
  })
}
