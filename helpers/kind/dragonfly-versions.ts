// What Dragonfly's daemons say their version is on kind: they run in the chart's pods, not in the
// nodes, so each pod is asked through `kubectl exec` (the image tag is what was asked for, the binary
// is what runs).
import { DRAGONFLY_POD_PROBES, ranVersion, type RanVersion } from '../evidence/component-versions.ts'
import { run } from '../base/exec.ts'
import { DRAGONFLY_NAMESPACE, DRAGONFLY_RELEASE } from '../render/index.ts'
import { helm, kube as kubectlCmd, type KindContext } from './commands.ts'
import { listPods, type Kube } from './k8s.ts'

export async function dragonflyPodVersions(
  kube: Kube,
  ctx: KindContext,
  selectorOf: (component: string) => string,
): Promise<Map<string, RanVersion[]>> {
  const ran = new Map<string, RanVersion[]>()
  for (const p of DRAGONFLY_POD_PROBES) {
    // a pod on its way out (an old ReplicaSet's after a rollout) no longer serves: not what ran
    const pods = (await listPods(kube, DRAGONFLY_NAMESPACE, selectorOf(p.component))).filter(
      (pod) => !pod.metadata?.deletionTimestamp,
    )
    const records = await Promise.all(
      pods.map(async (pod) => {
        const name = pod.metadata?.name ?? '?'
        const where = `pod ${name} on ${pod.spec?.nodeName ?? '?'}`
        const c = kubectlCmd.exec(ctx, name, p.container, p.argv)
        const r = await run(c.file, c.args, { timeoutMs: 60_000 }).catch((err: Error) => ({
          exitCode: 1,
          stdout: '',
          stderr: err.message,
        }))
        return ranVersion(where, p.argv, r.exitCode === 0, `${r.stdout}\n${r.stderr}`)
      }),
    )
    ran.set(p.tool, [...(ran.get(p.tool) ?? []), ...records])
  }
  ran.set('chart', [await installedChart(ctx)])
  return ran
}

/** The chart version Helm says it installed ("dragonfly-1.7.4"), not the one asked for. */
export async function installedChart(ctx: KindContext): Promise<RanVersion> {
  const c = helm.list(ctx)
  const r = await run(c.file, c.args, { timeoutMs: 60_000 }).catch((err: Error) => ({
    exitCode: 1,
    stdout: '',
    stderr: err.message,
  }))
  return ranVersion(`helm release ${DRAGONFLY_RELEASE}`, c.args, r.exitCode === 0, chartOfRelease(r.stdout))
}

/** `helm list -o json` → "1.7.4 (chart dragonfly-1.7.4, app 2.5.0)" for the suite's release; '' when absent. */
export function chartOfRelease(helmListJson: string): string {
  try {
    const releases = JSON.parse(helmListJson) as { name: string; chart: string; app_version?: string }[]
    const r = releases.find((x) => x.name === DRAGONFLY_RELEASE)
    if (!r) return ''
    // helm prints "<chart name>-<version>"; a version may carry a prerelease ("1.8.0-rc.1"), so the
    // version starts at the first "-<digit>" that begins a semver, not at the last "-"
    const version = /-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(r.chart)?.[1] ?? r.chart
    // the chart's own version first: that is the one a reader of this record takes
    return `${version} (chart ${r.chart}, app ${r.app_version ?? '?'})`
  } catch {
    return ''
  }
}
