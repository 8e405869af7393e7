// A cluster the suite did not create, for proving the cluster profile where no other cluster exists:
// kind (on KIND_EXPERIMENTAL_PROVIDER) with one control-plane and D7Y_WORKERS workers (default 3),
// made by this separate command, never by the suite's run. A cluster with a reachable registry would
// pull Dragonfly's, the registry's and the agent's images; here they are preloaded into its nodes
// from this machine (the published ones when present, else the suite's offline builds), and the
// output says so.
//   npm run cluster:stand-in -- create | delete
import path from 'node:path'
import { rm, writeFile } from 'node:fs/promises'
import { yamlText } from '../render/format.ts'
import { Command as Cli } from 'commander'
import { loadConfig, type Config } from '../run/config.ts'
import { obtainTool } from '../tools/obtain.ts'
import { liveIO } from '../kind/step-io.ts'
import { kind, type KindContext } from '../kind/commands.ts'
import { kindLayout } from '../kind/layout.ts'
import { kubeFrom, waitForNodesReady } from '../kind/k8s.ts'
import { nodeImage, registryStep, saveImages, supplyChartImages, type Flow } from '../kind/flow.ts'
import { registryImagePin, workloadImageRefs } from '../kind/images.ts'

export const STAND_IN_NAME = 'd7y-standin'

function standInConfig(): Config {
  const env: NodeJS.ProcessEnv = { ...process.env, D7Y_PROFILE: 'kind', D7Y_CLUSTER_NAME: STAND_IN_NAME }
  env.D7Y_WORKERS ??= '3'
  return loadConfig(env)
}

async function flowOf(config: Config): Promise<Flow> {
  const bin = {
    kind: (await obtainTool('kind', config)).binary,
    helm: 'helm',
    kubectl: (await obtainTool('kubectl', config)).binary,
  }
  const ctx: KindContext = { config, bin, layout: kindLayout(config) }
  return {
    config,
    ctx,
    engine: config.kindProvider,
    runId: 'stand-in',
    kube: () => kubeFrom(ctx.layout.kubeconfig),
  }
}

async function create(): Promise<void> {
  const config = standInConfig()
  const f = await flowOf(config)
  const io = liveIO((l) => console.log(l))
  const { layout } = f.ctx
  const image = await nodeImage(io, f)
  const nodes = [
    { role: 'control-plane' },
    ...Array.from({ length: config.workers }, () => ({ role: 'worker' })),
  ]
  await io.write(
    layout.kindConfig,
    yamlText({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes }),
  )
  await io.run(kind.createCluster(f.ctx, image), { onLine: io.log })
  await waitForNodesReady(f.kube(), nodes.length, 10 * 60_000)
  const supplied = await supplyChartImages(config, io.log)
  const registry = await registryStep(io, f)
  const refs = [...new Set([...workloadImageRefs(config), supplied.services, registry])]
  const archive = path.join(layout.dir, 'stand-in-images.tar')
  await saveImages(io, archive, refs)
  await io.run(kind.loadArchive(f.ctx, archive))
  await rm(archive, { force: true })
  console.log(
    `\nPRELOADED into every node of ${STAND_IN_NAME}, as a cluster with a reachable registry would pull them: ${refs.join(', ')}`,
  )
  const settings = {
    KUBECONFIG: layout.kubeconfig,
    D7Y_PROFILE: 'cluster',
    D7Y_WORKERS: String(config.workers),
    // Debian's build of the registry where the pinned image could not be had
    ...(registry !== registryImagePin(config).ref ? { D7Y_REGISTRY_IMAGE: registry } : {}),
  }
  const envFile = path.join(layout.dir, 'cluster.env')
  await writeFile(
    envFile,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  )
  console.log(`\nkubeconfig: ${layout.kubeconfig}; the settings for a run on it: ${envFile}`)
  console.log(
    `run the suite on it:\n  ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} npm test`,
  )
}

async function remove(): Promise<void> {
  const config = standInConfig()
  const f = await flowOf(config)
  await liveIO((l) => console.log(l)).run(kind.deleteCluster(f.ctx))
}

const cli = new Cli('cluster:stand-in').description(
  'a kind cluster standing in for one the suite did not create',
)
cli.command('create').action(create)
cli.command('delete').action(remove)
await cli.parseAsync(process.argv)
