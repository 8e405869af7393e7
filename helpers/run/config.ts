// One typed configuration for the whole suite. Defaults live here; environment variables override;
// anything invalid is rejected before work starts with one line naming the setting and what it accepts.
import os from 'node:os'
import path from 'node:path'
import semver from 'semver'
import { z } from 'zod'
import { versions, type ToolName } from '../base/versions.ts'
import { parseVersionSet, type VersionSet } from '../upgrade/version-set.ts'

export const PROFILES = ['kind', 'local', 'cluster'] as const
export type Profile = (typeof PROFILES)[number]

export interface TestImage {
  /** repository name (pushed to the registry under test) */
  name: string
  tag: string
  /** Debian packages that make the large layer */
  packages: string[]
  command: string[]
  /** regular expression the command's output must match */
  expectOutput: string
}

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

/** An image reference: [host[:port]/]path[:tag][@sha256:digest], lowercase as Docker requires. */
const imageReference = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/)

/** A comma-separated list whose items each parse with `item`; empty or duplicate items are refused. */
function commaList<O>(item: z.ZodType<O>) {
  return z.string().transform((text, ctx) => {
    const raw = text.split(',').map((x) => x.trim())
    const out: O[] = []
    for (const r of raw) {
      const parsed = item.safeParse(r)
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(r)} is not a valid item` })
        return z.NEVER
      }
      out.push(parsed.data)
    }
    if (new Set(raw).size !== raw.length) {
      ctx.addIssue({ code: 'custom', message: 'duplicate items' })
      return z.NEVER
    }
    return out
  })
}

/** A version set (helpers/upgrade/version-set.ts); its own error says which item is wrong. */
const versionSet = z.string().transform((text, ctx): VersionSet => {
  try {
    return parseVersionSet(text)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
    return z.NEVER
  }
})
const VERSION_SET_ACCEPTS =
  'a version set: comma-separated name=version with names stargz, dfdaemon (or client), scheduler, manager, dragonfly (scheduler and manager), chart; e.g. stargz=v0.19.1,dfdaemon=1.5.10'

/** Each setting: its env variable, how to parse it, and what the error message says is accepted. */
const settings = {
  profile: { env: 'D7Y_PROFILE', schema: z.enum(PROFILES), accepts: PROFILES.join(' | ') },
  clusterName: {
    env: 'D7Y_CLUSTER_NAME',
    schema: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/),
    accepts: 'a DNS label of at most 32 characters (a-z, 0-9, -)',
  },
  workers: {
    env: 'D7Y_WORKERS',
    schema: z.coerce.number().int().min(1).max(8),
    accepts: 'an integer from 1 to 8',
  },
  pullPattern: {
    env: 'D7Y_PULL_PATTERN',
    schema: z.enum(['concurrent', 'sequential']),
    accepts: 'concurrent (every worker starts the pull at once) | sequential',
  },
  keep: { env: 'D7Y_KEEP', schema: bool, accepts: 'true | false' },
  scale: {
    env: 'D7Y_SCALE',
    schema: commaList(z.coerce.number().int().min(1).max(8))
      .transform((ns) => [...ns].sort((a, b) => a - b))
      .optional(),
    accepts: 'a comma-separated list of worker counts from 1 to 8, e.g. 1,2,4,8 (runs chapter 85)',
  },
  scaleRepetitions: {
    env: 'D7Y_SCALE_REPETITIONS',
    schema: z.coerce.number().int().min(1).max(20),
    accepts: 'an integer from 1 to 20',
  },
  scalePatterns: {
    env: 'D7Y_SCALE_PATTERNS',
    schema: commaList(z.enum(['concurrent', 'sequential'])),
    accepts: 'a comma-separated list of concurrent | sequential',
  },
  scaleModes: {
    env: 'D7Y_SCALE_MODES',
    schema: commaList(z.enum(['dragonfly', 'direct'])),
    accepts: 'a comma-separated list of dragonfly (mirror: dfdaemon) | direct (mirror: the origin)',
  },
  scaleBlobs: {
    env: 'D7Y_SCALE_BLOBS',
    schema: z.enum(['fresh', 'same']),
    accepts:
      "fresh (each sample pulls the image's layers as new blobs) | same (every sample pulls the same blobs)",
  },
  stabilityRuns: {
    env: 'D7Y_STABILITY_RUNS',
    schema: z.coerce.number().int().min(0).max(50),
    accepts: 'an integer from 0 to 50 (2-worker concurrent P2P pulls in the scale chapter)',
  },
  reuseCluster: { env: 'D7Y_REUSE_CLUSTER', schema: bool, accepts: 'true | false' },
  // kind's own variable: which engine runs kind's node containers (kind profile only)
  kindProvider: {
    env: 'KIND_EXPERIMENTAL_PROVIDER',
    schema: z.enum(['docker', 'podman']),
    accepts: 'docker | podman',
  },
  // the cluster profile: a cluster the suite did not create, reached through the API alone
  kubeconfig: {
    env: 'KUBECONFIG',
    schema: z.string().min(1).optional(),
    accepts: 'the path of a kubeconfig file (cluster profile; default ~/.kube/config)',
  },
  kubeContext: {
    env: 'D7Y_KUBE_CONTEXT',
    schema: z.string().min(1).optional(),
    accepts: "a context of the kubeconfig (cluster profile; default: the kubeconfig's current context)",
  },
  nodeSelector: {
    env: 'D7Y_NODE_SELECTOR',
    schema: z.string().min(1),
    accepts: 'a Kubernetes label selector choosing the worker nodes (cluster profile)',
  },
  builderNode: {
    env: 'D7Y_BUILDER_NODE',
    schema: z.string().min(1).optional(),
    accepts:
      'the name of the node that converts the test image and runs the origin registry (cluster profile; default: the control-plane node)',
  },
  benchmark: { env: 'D7Y_BENCHMARK', schema: bool, accepts: 'true | false' },
  benchmarkSamples: {
    env: 'D7Y_BENCHMARK_SAMPLES',
    schema: z.coerce.number().int().min(1).max(20),
    accepts: 'an integer from 1 to 20',
  },
  stepTimeoutMinutes: {
    env: 'D7Y_STEP_TIMEOUT_MINUTES',
    schema: z.coerce.number().positive().max(240),
    accepts: 'a number of minutes above 0, at most 240',
  },
  cacheDir: { env: 'D7Y_CACHE_DIR', schema: z.string().min(1), accepts: 'a directory path' },
  reportsDir: { env: 'D7Y_REPORTS_DIR', schema: z.string().min(1), accepts: 'a directory path' },
  snapshotterConfig: {
    env: 'D7Y_STARGZ_CONFIG',
    schema: z.string().min(1).optional(),
    accepts: 'the path of a containerd-stargz-grpc config.toml',
  },
  valuesOverlay: {
    env: 'D7Y_VALUES',
    schema: z.string().min(1).optional(),
    accepts: "the path of a Helm values file merged onto the suite's (helm -f semantics)",
  },
  faults: {
    env: 'D7Y_FAULTS',
    schema: z
      .string()
      .regex(/^(all|[a-z0-9-]+(,[a-z0-9-]+)*)$/)
      .optional(),
    accepts: 'all, or a comma-separated list of fault ids (npx d7y-conformance faults --list)',
  },
  teardownFault: {
    env: 'D7Y_TEARDOWN_FAULT',
    schema: z.enum(['node-file-held']).optional(),
    accepts:
      'node-file-held (cluster profile: before teardown a bind mount holds a file the run added on the first worker, so the nodes-as-found verdict must go red naming it; then released and the node put back)',
  },
  stargzFuseManager: {
    env: 'D7Y_STARGZ_FUSE_MANAGER',
    schema: bool,
    accepts:
      "true | false: run stargz's FUSE manager (mounts outlive a snapshotter restart; the unit gets KillMode=process)",
  },
  upgradeReads: {
    env: 'D7Y_UPGRADE_READS',
    schema: z.enum(['cold', 'cached']),
    accepts:
      "cold (each upgrade step starts while the readers' layer is still being fetched lazily, so reads cross it) | cached (each step waits until the snapshotter fetched the readers' layer whole)",
  },
  upgradeFrom: {
    env: 'D7Y_UPGRADE_FROM',
    schema: versionSet.optional(),
    accepts: `${VERSION_SET_ACCEPTS} (the versions installed first; with D7Y_UPGRADE_TO)`,
  },
  upgradeTo: {
    env: 'D7Y_UPGRADE_TO',
    schema: versionSet.optional(),
    accepts: `${VERSION_SET_ACCEPTS} (the versions upgraded to in place, each named component a step; the same version restarts it in place)`,
  },
  kindNodeImage: {
    env: 'D7Y_KIND_NODE_IMAGE',
    schema: imageReference.optional(),
    accepts: 'an image reference kind accepts, a digest recommended (default: the pinned kindest/node)',
  },
  registryImage: {
    env: 'D7Y_REGISTRY_IMAGE',
    schema: imageReference.optional(),
    accepts:
      'the origin registry image on kind, any Distribution registry (default: the pinned registry, pulled by digest)',
  },
  initContainerImage: {
    env: 'D7Y_INIT_CONTAINER_IMAGE',
    schema: imageReference.optional(),
    accepts:
      "the chart's init-container image, with sh, nslookup and nc (default: the pinned busybox, pulled by digest)",
  },
  testImageBase: {
    env: 'D7Y_TEST_IMAGE_BASE',
    schema: imageReference.optional(),
    accepts:
      'a Debian image with apt the test images are built on, where it is present or pullable (default: the pinned debian:bookworm-slim, pulled by digest; else debootstrap)',
  },
  chartPath: {
    env: 'D7Y_CHART_PATH',
    schema: z.string().min(1).optional(),
    accepts: 'the path of a dragonfly chart: a directory (helm-charts checkout) or a packaged .tgz',
  },
} as const

type Settings = typeof settings
type SettingValues = { [K in keyof Settings]: z.output<Settings[K]['schema']> }

export interface Config extends SettingValues {
  versions: typeof versions
  /** tool versions after overrides (D7Y_<TOOL>_VERSION) */
  toolVersions: Record<ToolName, string>
  chartVersion: string
  image: TestImage
  benchmarkImages: TestImage[]
  /** the image's repository:tag suffix used for the eStargz variant */
  registryName: string
  registryPort: number
}

export const defaults: SettingValues = {
  profile: 'kind',
  clusterName: 'd7y-stargz',
  workers: 2,
  pullPattern: 'concurrent',
  keep: false,
  scale: undefined,
  scaleRepetitions: 3,
  scalePatterns: ['concurrent', 'sequential'],
  scaleModes: ['dragonfly', 'direct'],
  scaleBlobs: 'fresh',
  stabilityRuns: 0,
  reuseCluster: false,
  kindProvider: 'docker',
  kubeconfig: undefined,
  kubeContext: undefined,
  nodeSelector: '!node-role.kubernetes.io/control-plane',
  builderNode: undefined,
  benchmark: false,
  benchmarkSamples: 3,
  stepTimeoutMinutes: 20,
  cacheDir: path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'd7y-conformance'),
  reportsDir: 'reports',
  snapshotterConfig: undefined,
  valuesOverlay: undefined,
  faults: undefined,
  teardownFault: undefined,
  stargzFuseManager: false,
  upgradeReads: 'cold',
  upgradeFrom: undefined,
  upgradeTo: undefined,
  kindNodeImage: undefined,
  registryImage: undefined,
  initContainerImage: undefined,
  testImageBase: undefined,
  chartPath: undefined,
}

export const defaultImage: TestImage = {
  name: 'conformance/python',
  tag: '1',
  packages: ['python3'],
  command: ['python3', '-V'],
  expectOutput: '^Python 3\\.\\d+\\.\\d+',
}

/** The cold-start benchmark's images: the test image plus two more, each with a version command. */
export const benchmarkImages: TestImage[] = [
  defaultImage,
  {
    name: 'conformance/perl',
    tag: '1',
    packages: ['perl'],
    command: ['perl', '-v'],
    expectOutput: 'This is perl 5',
  },
  {
    name: 'conformance/ruby',
    tag: '1',
    packages: ['ruby'],
    command: ['ruby', '-v'],
    expectOutput: '^ruby \\d+\\.\\d+',
  },
]

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function versionEnvName(tool: string): string {
  return `D7Y_${tool.toUpperCase()}_VERSION`
}

const versionSchema = z.string().regex(/^v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?$/)

/** Reads the configuration from `env` (process.env by default). Throws ConfigError with one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = { ...defaults }
  for (const [key, s] of Object.entries(settings)) {
    const raw = env[s.env]
    if (raw === undefined || raw === '') continue
    const parsed = s.schema.safeParse(raw.trim())
    if (!parsed.success) {
      const custom = parsed.error.issues.find((i) => i.code === 'custom' && i.message !== 'Invalid input')
      throw new ConfigError(
        `${s.env}=${JSON.stringify(raw)} is invalid: ${custom ? `${custom.message}; ` : ''}expected ${s.accepts}`,
      )
    }
    values[key] = parsed.data
  }
  // The benchmark is on by default where it can run unattended and cheaply (local profile).
  if (env[settings.benchmark.env] === undefined) values.benchmark = values.profile === 'local'

  const toolVersions = {} as Record<ToolName, string>
  for (const [tool, pin] of Object.entries(versions.tools) as [ToolName, { version: string }][]) {
    const raw = env[versionEnvName(tool)]
    if (raw && !versionSchema.safeParse(raw).success)
      throw new ConfigError(
        `${versionEnvName(tool)}=${JSON.stringify(raw)} is invalid: expected a version like v1.2.3`,
      )
    toolVersions[tool] = raw || pin.version
  }
  // The manager is released with the scheduler (one archive, one tag): it follows the scheduler's
  // override unless named itself.
  if (env[versionEnvName('scheduler')] && !env[versionEnvName('manager')])
    toolVersions.manager = toolVersions.scheduler
  const upgrade = upgradeSides(values as SettingValues, env)
  // The FROM side is what the run installs: its versions replace the pins.
  for (const [component, v] of Object.entries(upgrade?.from ?? {}))
    if (component !== 'chart') toolVersions[component as ToolName] = v
  if (values.profile === 'local') refuseManagerlessLess(toolVersions.scheduler, upgrade)
  const chartVersion = upgrade?.from.chart ?? (env.D7Y_CHART_VERSION || versions.chart.version)
  if (!versionSchema.safeParse(chartVersion).success)
    throw new ConfigError(
      `D7Y_CHART_VERSION=${JSON.stringify(chartVersion)} is invalid: expected a version like 1.2.3`,
    )

  return {
    ...(values as SettingValues),
    versions,
    toolVersions,
    chartVersion,
    image: defaultImage,
    benchmarkImages,
    registryName: `${values.clusterName as string}-registry`,
    registryPort: 5000,
  }
}

/** What the local profile cannot upgrade: it deploys no manager and no chart. */
const LOCAL_CANNOT = ['manager', 'chart'] as const

function upgradeSides(
  values: SettingValues,
  env: NodeJS.ProcessEnv,
): { from: VersionSet; to: VersionSet } | undefined {
  const { upgradeFrom: from, upgradeTo: to } = values
  if (!from && !to) return undefined
  if (!from || !to)
    throw new ConfigError(
      `${from ? 'D7Y_UPGRADE_TO' : 'D7Y_UPGRADE_FROM'} is missing: an upgrade needs both sides (D7Y_UPGRADE_FROM and D7Y_UPGRADE_TO)`,
    )
  for (const component of Object.keys(from)) {
    const override = component === 'chart' ? 'D7Y_CHART_VERSION' : versionEnvName(component)
    if (env[override])
      throw new ConfigError(
        `${override} and D7Y_UPGRADE_FROM both set ${component}'s version: name it in one place`,
      )
  }
  // Written as the pins are (v1.5.0, not 1.5.0): the tool cache and the reports key on that spelling.
  for (const side of [from, to])
    for (const [component, v] of Object.entries(side) as [keyof VersionSet, string][]) {
      const pin =
        component === 'chart' ? versions.chart.version : versions.tools[component as ToolName].version
      side[component] = pin.startsWith('v') ? `v${v.replace(/^v/, '')}` : v.replace(/^v/, '')
    }
  if (values.profile === 'kind' && to.chart !== undefined)
    throw new ConfigError(
      'D7Y_UPGRADE_TO names the chart: a chart-to-chart upgrade is not built yet (one chart is at hand: the pin or D7Y_CHART_PATH); name the app versions instead (dragonfly=, client=)',
    )
  if (values.profile === 'local') {
    const refused = LOCAL_CANNOT.filter((c) => from[c] !== undefined || to[c] !== undefined)
    if (refused.length)
      throw new ConfigError(
        `the local profile cannot upgrade ${refused.join(' or ')}: it deploys Dragonfly without the manager and without the chart (use D7Y_PROFILE=kind)`,
      )
  }
  return { from, to }
}

/**
 * The local profile runs the scheduler without a manager, from a dynamic config file (--dynconfig):
 * scheduler v2.5.0 refuses that flag and exits (measured 2026-12-05: "unknown flag: --dynconfig"), so
 * the deploy would wait out its timeout. Refused here instead.
 */
const MANAGERLESS_SCHEDULER = '2.5.1'

function refuseManagerlessLess(pinned: string, upgrade: { from: VersionSet; to: VersionSet } | undefined) {
  const sides: [string, string | undefined][] = [
    ['the scheduler', pinned],
    ['D7Y_UPGRADE_TO', upgrade?.to.scheduler],
  ]
  for (const [where, v] of sides) {
    const parsed = v === undefined ? null : semver.coerce(v)
    if (parsed && semver.lt(parsed, MANAGERLESS_SCHEDULER))
      throw new ConfigError(
        `${where} ${v} on the local profile: it runs the scheduler without a manager (--dynconfig), which scheduler versions before v${MANAGERLESS_SCHEDULER} refuse; use D7Y_PROFILE=kind (the chart runs a manager) or v${MANAGERLESS_SCHEDULER}+`,
      )
  }
}

/** Every environment variable the configuration reads, for --help output and the README. */
export function configVariables(): { env: string; accepts: string; default: string }[] {
  const rows: { env: string; accepts: string; default: string }[] = Object.entries(settings).map(
    ([key, s]) => ({
      env: s.env,
      accepts: s.accepts,
      default: String(defaults[key as keyof SettingValues] ?? '(none)'),
    }),
  )
  for (const [tool, pin] of Object.entries(versions.tools))
    rows.push({ env: versionEnvName(tool), accepts: 'a version like v1.2.3', default: pin.version })
  rows.push({
    env: 'D7Y_CHART_VERSION',
    accepts: 'a chart version like 1.2.3',
    default: versions.chart.version,
  })
  return rows
}
