// Where the kind profile keeps the files it renders for one cluster: outside the clone, beside the
// tool cache, so a kept cluster can be inspected (and reused) with the same kubeconfig later, and so
// the dry-run plan can name every path exactly. The kubeconfig is the profile's own: the user's
// ~/.kube/config is never touched.
import path from 'node:path'
import type { Config } from '../run/config.ts'

export interface KindLayout {
  dir: string
  kindConfig: string
  values: string
  peerService: string
  managerBackends: string
  kubeconfig: string
}

export function kindLayout(
  config: Pick<Config, 'cacheDir' | 'clusterName'> & { profile?: Config['profile'] },
): KindLayout {
  // the cluster profile (a cluster the suite did not make) keeps the same files, its kubeconfig the
  // user's chosen context read out of theirs
  const dir = path.join(
    config.cacheDir,
    config.profile === 'cluster' ? 'cluster' : 'kind',
    config.clusterName,
  )
  return {
    dir,
    kindConfig: path.join(dir, 'kind-config.yaml'),
    values: path.join(dir, 'values.yaml'),
    peerService: path.join(dir, 'peer-service.yaml'),
    managerBackends: path.join(dir, 'manager-backends.yaml'),
    kubeconfig: path.join(dir, 'kubeconfig'),
  }
}

/** Where the diagnostics bundle goes when a run fails (uploaded by CI with the other reports). */
export function diagnosticsDir(config: Pick<Config, 'reportsDir'>): string {
  return path.join(config.reportsDir, 'diagnostics')
}
