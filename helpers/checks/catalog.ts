// Every conformance check the suite can report, in the order of the integration guide. A check
// that never ran still appears in the summary as "not run", with the reason when one is known.
export const CHECKS = [
  { id: 'nodes-ready', title: 'Cluster nodes are up (systemd + containerd)' },
  { id: 'dragonfly-ready', title: 'Dragonfly scheduler, seed peer and a dfdaemon per worker are serving' },
  // Kubernetes only: the local profile has no Service objects.
  {
    id: 'peer-endpoints',
    title: 'The peer NodePort Service has an endpoint on every worker',
    profiles: ['kind', 'cluster'],
  },
  {
    id: 'stargz-plugin',
    title:
      'The stargz snapshotter is installed and answers containerd through its proxy plugin on every worker',
  },
  { id: 'estargz-valid', title: 'Every pushed layer is valid eStargz matching its manifest annotations' },
  { id: 'image-runs', title: 'The eStargz image runs on every worker with the expected output' },
  // Kubernetes only: the kubelet's CRI path (the local profile has no kubelet), its own pull judged
  // like the nerdctl one (helpers/checks/cri-path.ts).
  {
    id: 'cri-pod-runs',
    title:
      'The eStargz image runs as a Pod on every worker (CRI path), its own pull remote in k8s.io, through dfdaemon, sent once by the origin',
    profiles: ['kind', 'cluster'],
  },
  {
    id: 'remote-snapshots',
    title: 'Every layer was prepared as a remote snapshot on every worker (no fallback)',
  },
  { id: 'via-dfdaemon', title: "Every layer's blob requests reached the worker's dfdaemon" },
  {
    id: 'task-succeeded',
    title: 'dfdaemon reports the download task succeeded on every worker for every large layer',
  },
  {
    id: 'rootfs-content',
    title:
      "Every regular file a container reads through the lazily pulled rootfs has the pushed layers' content",
  },
  { id: 'single-back-to-source', title: 'The origin served each large layer once across the cluster (P2P)' },
  {
    id: 'no-restarts',
    title:
      'No Dragonfly component restarted on its own after it was ready (every restart reported, with why)',
  },
  {
    id: 'negative-control',
    title: 'Negative control: with the mirror bypassed every routing check fails',
  },
  // Only when the fault catalog runs (D7Y_FAULTS).
  {
    id: 'fault-catalog',
    title:
      'Every cataloged fault turns its checks red and is diagnosed by its cause; the controls stay green',
    optIn: 'faults',
  },
  // Only when the run upgrades in place (D7Y_UPGRADE_FROM / D7Y_UPGRADE_TO).
  {
    id: 'upgrade',
    title:
      'Upgraded in place step by step: the running containers kept their root filesystem and read the image, and every check held after',
    optIn: 'upgrade',
  },
] as const

export function checksFor(
  profile: string,
  optIn: { faults?: boolean; upgrade?: boolean } = {},
): readonly { id: CheckId; title: string }[] {
  return CHECKS.filter(
    (c) =>
      (!('profiles' in c) || (c.profiles as readonly string[]).includes(profile)) &&
      (!('optIn' in c) || !!optIn[c.optIn]),
  )
}

export type CheckId = (typeof CHECKS)[number]['id']

export function checkTitle(id: CheckId): string {
  return CHECKS.find((c) => c.id === id)!.title
}
