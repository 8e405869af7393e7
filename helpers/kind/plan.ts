// The dry run: every command the kind profile (and the chapters it serves) would run and every file
// it would write, in order, with rendered contents, without running anything. Built from the same
// command builders (commands.ts), file renderers (files.ts) and decisions (logs.ts, reset.ts) as the
// profile, so the plan and the run cannot drift. Runtime-only values (pod names, clock marks, the
// run id) appear as <placeholders>; waits by condition appear as `# wait:` lines.
import path from 'node:path'
import type { Config } from '../run/config.ts'
import type { ContainerEngine } from '../profiles/docker.ts'
import { quote } from '../base/exec.ts'
import { registryRefs } from '../image/publish.ts'
import { testImageBase, testImageOnBaseRecipe, testImageRecipe } from '../image/test-image.ts'
import { recipeTag } from '../local/rootfs-image.ts'
import {
  CHART_COMPONENTS,
  DFDAEMON_PORTS,
  DRAGONFLY_NAMESPACE,
  DRAGONFLY_RELEASE,
  chartFullname,
  chartPodLabels,
  helmValues,
  labelSelector,
  registryHost,
  renderContainerdPatch,
  yamlText,
} from '../render/index.ts'
import { directStargzConfig, stargzInstall } from '../stargz/configs.ts'
import { STARGZ_PATHS, STARGZ_UNIT } from '../stargz/install.ts'
import { catalog } from '../tools/catalog.ts'
import { binaryPath } from '../tools/layout.ts'
import {
  NAMED_BINARIES,
  commandLine,
  podmanVersion,
  copyIntoNode,
  docker,
  kind,
  kube,
  podProxyPath,
  type Command,
  type KindContext,
} from './commands.ts'
import { registryHostsToml, runPodManifest, runPodName } from './cri-run.ts'
import { namespaceDiagnostics, workerDiagnostics } from './diagnostics.ts'
import { kindNodeImage, localImageRef, registryImagePin } from './images.ts'
import { diagnosticsDir, kindLayout } from './layout.ts'
import { clientLogSource, FILE_LOG_SCRIPT } from './logs.ts'
import { kindNodeNames } from './nodes.ts'
import { KIND_TOOLS, PUBLISHED_PORTS } from './preflight.ts'
import {
  NERDCTL_PATH,
  clusterStep,
  deletesClusterOnTeardown,
  dragonflyStep,
  nodeToolsStep,
  peerServiceStep,
  registryStep,
  teardownStep,
  type Flow,
} from './flow.ts'
import { recordingIO, type RecordedStep, type StepIO } from './step-io.ts'
import { resetActions, resetCommandList, resetCommands, type ResetTarget } from './reset.ts'

export interface PlanStep {
  step: string
  title: string
  commands: string[]
  files: { path: string; content: string }[]
}

const wait = (what: string): string => `# wait: ${what}`
const note = (what: string): string => `# ${what}`
const lines = (cs: Command[]): string[] => cs.map(commandLine)

/** A file written inside a node container (helpers/profiles/node.ts writeFile: docker exec -i … cat > path). */
function nodeFile(container: string, filePath: string, content: string): { path: string; content: string } {
  return { path: `${container}:${filePath}`, content }
}

function writeInNode(engine: ContainerEngine, container: string, filePath: string, mode = '0644'): string {
  return commandLine(
    docker.exec(
      container,
      ['sh', '-c', `cat > "$1" && chmod ${mode} "$1"`, 'write', filePath],
      undefined,
      engine,
    ),
  ).replace(/^(docker|podman) exec /, '$1 exec -i ')
}

/** The chart's default storage layout, for showing the reset (decided from live templates at run time). */
function chartDefaultResetTargets(config: Config): ResetTarget[] {
  const naming = { release: DRAGONFLY_RELEASE }
  const full = chartFullname(naming)
  const storageDir = '/var/lib/dragonfly'
  return [
    {
      kind: 'StatefulSet',
      name: `${full}-${CHART_COMPONENTS.seedClient}`,
      selector: labelSelector(chartPodLabels(naming, CHART_COMPONENTS.seedClient)),
      replicas: helmValues(config).seedClient.replicas,
      container: 'seed-client',
      podSpec: {
        containers: [{ name: 'seed-client', volumeMounts: [{ name: 'storage', mountPath: storageDir }] }],
      },
      claimTemplates: ['storage'],
    },
    {
      kind: 'DaemonSet',
      name: `${full}-${CHART_COMPONENTS.client}`,
      selector: labelSelector(chartPodLabels(naming, CHART_COMPONENTS.client)),
      replicas: config.workers,
      container: 'client',
      podSpec: { containers: [{ name: 'client' }] },
      claimTemplates: [],
    },
  ]
}

export async function kindPlan(config: Config): Promise<PlanStep[]> {
  const layout = kindLayout(config)
  const ctx: KindContext = { config, bin: NAMED_BINARIES, layout }
  const engine = config.kindProvider
  const nodeExec = (container: string, argv: string[]): Command =>
    docker.exec(container, argv, undefined, engine)
  const nodeImage = kindNodeImage(config)
  const nodes = kindNodeNames(config.clusterName, config.workers)
  const controlPlane = nodes[0]!.name
  const workers = nodes.filter((n) => n.role === 'worker').map((n) => n.name)
  const registry = registryHost(config)
  const values = helmValues(config)
  const nerdctlBinary = binaryPath(config.cacheDir, 'nerdctl', config.toolVersions.nerdctl, 'nerdctl')
  const stargzBinary = binaryPath(
    config.cacheDir,
    'stargz',
    config.toolVersions.stargz,
    'containerd-stargz-grpc',
  )
  const install = stargzInstall(config, stargzBinary)
  const refs = registryRefs(registry, config.image)
  const localTestImage = recipeTag(testImageOnBaseRecipe(config.image, testImageBase(config)))
  const localDebootstrapImage = recipeTag(testImageRecipe(config.image))
  const nerdctl = (container: string, args: string[]) =>
    commandLine(nodeExec(container, [NERDCTL_PATH, '--insecure-registry', ...args]))
  const clientPod = (w: string) => `<client pod on ${w}>`
  const seedPod = '<seed-client pod>'
  const logSource = clientLogSource(config.toolVersions.dfdaemon, values.client.config.console)

  const steps: PlanStep[] = []
  const add = (step: string, title: string, commands: string[], files: PlanStep['files'] = []) =>
    steps.push({ step, title, commands, files })
  const recorded = async <T>(step: string, title: string, body: (io: StepIO) => Promise<T>): Promise<T> => {
    const into: RecordedStep = { commands: [], files: [] }
    const result = await body(recordingIO(into))
    steps.push({ step, title, ...into })
    return result
  }

  add('preflight', 'Check every prerequisite; create nothing', [
    commandLine(docker.serverVersion()),
    ...KIND_TOOLS.map(
      (t) =>
        `${[t, ...catalog[t].versionArgs].map(quote).join(' ')}   # must say ${config.toolVersions[t]}; else a sha256-verified download into ${path.dirname(binaryPath(config.cacheDir, t, config.toolVersions[t], t))}`,
    ),
    ...(config.reuseCluster ? [commandLine(kind.getClusters(ctx))] : []),
    ...PUBLISHED_PORTS.map((p) =>
      note(`bind 127.0.0.1:${p}: must be free${config.reuseCluster ? ' (unless the cluster exists)' : ''}`),
    ),
    note('/dev/fuse must exist on the Docker host'),
    `docker pull ${testImageBase(config)}   # only when absent; failing (or under podman): debootstrap and root are needed`,
    "sh -c 'command -v debootstrap'   # then: the image chapter builds the test image from Debian packages",
    note('then: must run as root (debootstrap, chroot)'),
    ...(engine === 'podman'
      ? [
          commandLine(podmanVersion()),
          note('/lib/modules must exist (kind mounts it into every node)'),
          note(
            '/etc/containers/containers.conf must set default_ulimits with nproc (privileged podman nodes)',
          ),
        ]
      : [
          commandLine(docker.imageInspect(localImageRef(nodeImage))),
          `${commandLine(docker.pull(nodeImage))}   # only when absent; failing: use the local profile (npm run conformance:local)`,
        ]),
  ])

  // The profile's own steps: flow.ts, recorded (helpers/kind/step-io.ts) on the path of a first run.
  const flow: Flow = {
    config,
    ctx,
    engine,
    runId: '<run id>',
    kube: () => {
      throw new Error('the plan has no API client')
    },
  }
  const cluster = await recorded(
    'cluster',
    `Create the kind cluster ${config.clusterName} (1 control-plane, ${config.workers} workers, /dev/fuse in workers)`,
    (io) => clusterStep(io, flow),
  )
  await recorded(
    'node-tools',
    `Copy nerdctl ${config.toolVersions.nerdctl} into every node (kind nodes ship containerd)`,
    (io) => nodeToolsStep(io, flow, cluster.nodes, nerdctlBinary),
  )
  const registryPin = registryImagePin(config)
  await recorded('registry', `Origin registry image ${registryPin.ref} (pinned digest)`, async (io) => {
    await registryStep(io, flow)
    io.note(
      `chapter 15 starts ${config.registryName} from it on the kind network (testcontainers), port ${config.registryPort}`,
    )
  })
  await recorded(
    'dragonfly',
    `Install Dragonfly: chart ${config.chartPath ?? `${config.versions.chart.name} ${config.chartVersion}`}, images loaded into kind`,
    (io) => dragonflyStep(io, flow, cluster.nodes, registry),
  )
  await recorded(
    'peer-service',
    'The peer NodePort Service in front of the client pods (selector: app/component labels)',
    (io) => peerServiceStep(io, flow, workers, async () => []),
  )

  add(
    'stargz',
    'Install the stargz snapshotter on every worker (binary, config, unit, containerd proxy plugin)',
    workers.flatMap((w) => [
      ...lines(copyIntoNode(w, stargzBinary, STARGZ_PATHS.binary, engine)),
      writeInNode(engine, w, STARGZ_PATHS.config),
      writeInNode(engine, w, STARGZ_PATHS.unit),
      commandLine(nodeExec(w, ['cat', STARGZ_PATHS.containerdConfig])),
      `${writeInNode(engine, w, STARGZ_PATHS.containerdConfig)}   # the node's config with the stargz change merged in`,
      commandLine(nodeExec(w, ['systemctl', 'daemon-reload'])),
      commandLine(nodeExec(w, ['systemctl', 'enable', '--now', STARGZ_UNIT])),
      commandLine(nodeExec(w, ['systemctl', 'restart', 'containerd'])),
      wait(`${commandLine(nodeExec(w, ['ctr', 'plugin', 'ls']))} shows stargz "ok"`),
    ]),
    workers.flatMap((w) => [
      nodeFile(w, STARGZ_PATHS.config, install.config),
      nodeFile(w, STARGZ_PATHS.unit, install.unit),
      nodeFile(w, STARGZ_PATHS.containerdConfig, renderContainerdPatch(2)),
    ]),
  )

  // Mirrors helpers/image/publish.ts: the Docker engine pushes (gzip layers) through the registry's
  // loopback port, the builder node pulls, converts and pushes the eStargz form.
  const viaLoopback = `127.0.0.1:<registry port>/${config.image.name}:${config.image.tag}`
  add('image', `Build the test image, push it, convert it to eStargz and push that (on ${controlPlane})`, [
    note(
      `build ${localTestImage} once: on ${testImageBase(config)} (docker build with apt-get install ${config.image.packages.join(' ')}, flattened to one layer), or where that base cannot be pulled, from Debian packages with debootstrap (${localDebootstrapImage})`,
    ),
    commandLine({ file: 'docker', args: ['tag', localTestImage, viaLoopback] }),
    commandLine({ file: 'docker', args: ['push', viaLoopback] }),
    nerdctl(controlPlane, ['pull', '--quiet', refs.plainRef]),
    nerdctl(controlPlane, ['image', 'convert', '--estargz', '--oci', refs.plainRef, refs.esgzRef]),
    nerdctl(controlPlane, ['push', refs.esgzRef]),
    note('every pushed layer is downloaded and validated as eStargz (footer, TOC, chunk digests)'),
  ])

  const podFiles = workers.map((w) => {
    const name = runPodName(w, '<t>')
    return {
      path: `(API) ${runPodManifest({ name, node: w, image: refs.esgzRef, args: config.image.command }).metadata!.namespace}/${name}`,
      content: yamlText(runPodManifest({ name, node: w, image: refs.esgzRef, args: config.image.command })),
    }
  })
  add(
    'run',
    'Run the eStargz image on every worker: nerdctl with the stargz snapshotter, and as a Pod (CRI)',
    [
      ...workers.map((w) =>
        commandLine(
          nodeExec(w, [
            NERDCTL_PATH,
            '--insecure-registry',
            '--snapshotter',
            'stargz',
            'run',
            '--rm',
            '--net',
            'host',
            refs.esgzRef,
            ...config.image.command,
          ]),
        ),
      ),
      ...workers.map((w) => writeInNode(engine, w, registryHostsToml(registry).path)),
      ...workers.map((w) =>
        note(`create the pod for ${w} (below) through the API; wait until it terminates; read its log`),
      ),
      note(`expected output: /${config.image.expectOutput}/`),
    ],
    [
      ...workers.map((w) =>
        nodeFile(w, registryHostsToml(registry).path, registryHostsToml(registry).content),
      ),
      ...podFiles,
    ],
  )

  const logCommands = (pod: string, container: string, node?: string): string[] =>
    logSource === 'stdout'
      ? [commandLine(kube.logs(ctx, pod, container, { sinceTime: '<phase mark, RFC 3339>' }))]
      : [
          ...(node ? [commandLine(nodeExec(node, ['sh', '-c', FILE_LOG_SCRIPT]))] : []),
          `${commandLine(kube.exec(ctx, pod, container, ['sh', '-c', FILE_LOG_SCRIPT]))}${node ? '   # when the node has none' : ''}`,
        ]
  const metricsPort = values.client.config.metrics.server.port
  add(
    'evidence',
    `Collect the evidence of the pull (dfdaemon log from ${logSource === 'stdout' ? 'stdout (console client)' : 'its log file'}, metrics through the API server proxy)`,
    [
      ...workers.flatMap((w) => [
        commandLine(
          nodeExec(w, [
            'journalctl',
            '--no-pager',
            '-o',
            'short-iso',
            '-u',
            STARGZ_UNIT,
            '--since',
            '<phase mark>',
          ]),
        ),
        ...logCommands(clientPod(w), 'client', w),
        commandLine(kube.raw(ctx, podProxyPath(DRAGONFLY_NAMESPACE, clientPod(w), metricsPort, 'metrics'))),
      ]),
      ...logCommands(seedPod, 'seed-client'),
      commandLine(kube.raw(ctx, podProxyPath(DRAGONFLY_NAMESPACE, seedPod, metricsPort, 'metrics'))),
      commandLine({ file: 'docker', args: ['logs', '--since', '<phase mark>', config.registryName] }),
      wait(`every large layer's dfdaemon task ended on every worker (log polled)`),
    ],
  )

  add(
    'negative-control',
    'Negative control: the mirror pointed straight at the origin, image state cleared, run again',
    workers.flatMap((w) => [
      writeInNode(engine, w, STARGZ_PATHS.config),
      note(
        `remove the origin's images (namespaces default, k8s.io) with their snapshots in ${w}: the cluster's own images stay`,
      ),
      commandLine(nodeExec(w, ['systemctl', 'stop', STARGZ_UNIT])),
      note(`clear the snapshotter's fetch caches (${STARGZ_PATHS.root}/stargz) in ${w}`),
      commandLine(nodeExec(w, ['systemctl', 'start', STARGZ_UNIT])),
      wait(`stargz plugin "ok" in ${w}`),
    ]),
    workers.map((w) => nodeFile(w, STARGZ_PATHS.config, directStargzConfig(config))),
  )

  const scheduler = labelSelector(chartPodLabels({ release: DRAGONFLY_RELEASE }, CHART_COMPONENTS.scheduler))
  add('reset', 'Cold Dragonfly caches (resetDragonfly; storage kind read from the live pod templates)', [
    commandLine(resetCommands.deletePods(ctx, scheduler)),
    wait('new scheduler pods ready'),
    ...chartDefaultResetTargets(config).flatMap((t) => {
      const actions = resetActions(t)
      return [
        note(
          `${t.kind}/${t.name}: ${actions.mode === 'restart' ? 'storage inside the pod: new pods are enough' : `storage outlives pods (${[...actions.pvcs, ...actions.hostPaths].join(', ')})`} (chart defaults)`,
        ),
        ...lines(resetCommandList(ctx, t, actions, actions.hostPaths.length ? workers : [])),
        wait(`${t.replicas} new ready pod(s) for ${t.selector}`),
      ]
    }),
  ])

  const diag = diagnosticsDir(config)
  add('diagnostics', `On failure: the diagnostics bundle in ${diag}`, [
    commandLine(kind.exportLogs(ctx, path.join(diag, 'kind-logs'))),
    ...namespaceDiagnostics(ctx).map((d) => `${commandLine(d.command)} > ${d.file}`),
    note(
      `for every pod in ${DRAGONFLY_NAMESPACE}: kubectl logs of every container (and --previous after restarts)`,
    ),
    note(
      `for every client and seed-client pod: GET ${podProxyPath(DRAGONFLY_NAMESPACE, '<pod>', DFDAEMON_PORTS.metrics, 'metrics')}`,
    ),
    ...workers.flatMap((w) =>
      workerDiagnostics(w, engine).map((d) => `${commandLine(d.command)} > nodes/${w}/${d.file}`),
    ),
    `${commandLine(docker.logs(config.registryName))} > registry.log`,
  ])

  await recorded(
    'teardown',
    deletesClusterOnTeardown(config)
      ? `Delete the cluster and the run's containers`
      : `Keep the cluster (${config.keep ? 'D7Y_KEEP' : 'D7Y_REUSE_CLUSTER'}); remove the run's containers`,
    (io) => teardownStep(io, flow),
  )
  return steps
}

/** The plan as text for people: numbered steps, their commands, and each file's content once. */
export function renderPlan(steps: PlanStep[]): string {
  const out: string[] = []
  const seen = new Map<string, string>()
  steps.forEach((s, i) => {
    if (i > 0) out.push('')
    out.push(`[${i + 1}/${steps.length}] ${s.step}: ${s.title}`)
    for (const c of s.commands) out.push(c.startsWith('#') ? `    ${c}` : `  $ ${c}`)
    for (const f of s.files) {
      const same = seen.get(f.content)
      if (same) {
        out.push(`  file ${f.path}: same content as ${same}`)
        continue
      }
      seen.set(f.content, f.path)
      const body = f.content.replace(/\n$/, '').split('\n')
      out.push(`  file ${f.path} (${body.length} lines):`)
      for (const l of body) out.push(`    | ${l}`)
    }
  })
  return `${out.join('\n')}\n`
}
