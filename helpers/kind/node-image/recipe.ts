// A kind node image made without pulling anything: what goes into it, as data. Pure: the build
// (build.ts) turns this into a Debian rootfs with the suite's built binaries, containerd's image
// store preloaded with one-binary control-plane images, imported into podman under a tag that is a
// hash of this recipe.
//
// What kind v0.29.0 needs from a node image (read from its source): an entrypoint that prepares
// the container and execs systemd, printing "detected cgroup v1" or systemd reaching
// multi-user.target (kind waits for either in the container log); /kind/version; a CNI manifest at
// /kind/manifests/default-cni.yaml (applied with `kubectl create`); containerd on
// /run/containerd/containerd.sock with a version 2 or 3 config naming its snapshotter; kubelet as a
// systemd unit restarted until kubeadm writes its config; kubeadm, kubectl and ctr on PATH; the
// images kubeadm's manifests name already in containerd's k8s.io namespace (kubeadm runs with the
// preflight phase skipped, so nothing is pulled).
import { createHash } from 'node:crypto'

/** Kubernetes and component versions the image is made for (kubeadm v1.33.1's defaults). */
export interface KindNodeVersions {
  kubernetes: string
  etcd: string
  /** etcd image tag kubeadm names, e.g. 3.5.21-0 */
  etcdImageTag: string
  coredns: string
  /** CoreDNS tag kubeadm names; the built binary (coredns) is tagged so */
  corednsImageTag: string
  pause: string
  /** pause tag kubeadm and the sandbox config name */
  pauseImageTag: string
  containerd: string
  runc: string
  crictl: string
  cni: string
  localPath: string
}

export const KIND_NODE_VERSIONS: KindNodeVersions = {
  kubernetes: 'v1.33.1',
  etcd: 'v3.5.21',
  etcdImageTag: '3.5.21-0',
  coredns: 'v1.14.7',
  corednsImageTag: 'v1.12.0',
  pause: '3.10.1',
  pauseImageTag: '3.10',
  containerd: 'v2.2.1',
  runc: 'v1.4.3',
  crictl: 'v1.34.0',
  cni: 'v1.9.1',
  localPath: 'v0.0.30',
}

/** A built binary copied into the rootfs: tool cache entry -> absolute path in the image. */
export interface NodeBinary {
  tool: string
  version: string
  binary: string
  dest: string
}

/** A control-plane image holding one static binary, preloaded into the node's containerd. */
export interface PreloadImage {
  /** full reference as kubeadm and the kubelet name it */
  name: string
  /** the binary: a built tool (tool, version, binary) or a file of the node's rootfs (rootfsBinary) */
  tool?: string
  version?: string
  binary?: string
  rootfsBinary?: string
  /** symlinks in the image: path -> target */
  links?: Record<string, string>
  /** where the binary sits inside the image */
  path: string
  entrypoint?: string[]
  /**
   * Paths in the node's rootfs that join the image: executables with the shared libraries `ldd`
   * names, symlink chains followed, directories whole.
   */
  fromRootfs?: string[]
}

export interface KindNodeRecipe {
  /** how build.ts lays the recipe out; raised when that changes, so cached images are rebuilt */
  builder: number
  /** podman reference without tag; `localhost/` so kind's podman provider finds it locally */
  repository: string
  suite: string
  mirror?: string
  packages: string[]
  files: Record<string, string>
  /** mode 0755 files among `files` */
  executables: string[]
  binaries: NodeBinary[]
  images: PreloadImage[]
  /** shell run in the rootfs (chroot) after files and binaries are in place */
  customize: string
  /** podman import --change instructions */
  changes: string[]
}

/** kind's default pod subnet; kube-controller-manager gives each node a /24 of it. */
export const DEFAULT_POD_SUBNET = '10.244.0.0/16'
const REGISTRY = 'registry.k8s.io'
/** images of the suite's own making carry this prefix (never pulled: the kubelet finds them preloaded) */
const LOCAL = 'localhost/d7y-conformance'
/** the local-path helper pod's image: Debian's static busybox with the applets the scripts run */
export const LOCAL_PATH_HELPER = `${LOCAL}/local-path-helper:bookworm`
const BIN = '/usr/local/bin'

export function sandboxImage(v: KindNodeVersions): string {
  return `${REGISTRY}/pause:${v.pauseImageTag}`
}

const KUBE_PROXY_FROM_ROOTFS = [
  ...['iptables', 'ip6tables'].flatMap((t) => [t, `${t}-save`, `${t}-restore`].map((b) => `/usr/sbin/${b}`)),
  '/usr/sbin/nft',
  '/usr/lib/x86_64-linux-gnu/xtables',
]

export function preloadImages(v: KindNodeVersions): PreloadImage[] {
  const k8s = (binary: string): PreloadImage => ({
    name: `${REGISTRY}/${binary}:${v.kubernetes}`,
    tool: 'kubernetes',
    version: v.kubernetes,
    binary,
    path: `${BIN}/${binary}`,
  })
  return [
    k8s('kube-apiserver'),
    k8s('kube-controller-manager'),
    k8s('kube-scheduler'),
    // kube-proxy programs the node with iptables (or nft): Debian's, from the node's own rootfs
    { ...k8s('kube-proxy'), fromRootfs: KUBE_PROXY_FROM_ROOTFS },
    {
      name: `${REGISTRY}/etcd:${v.etcdImageTag}`,
      tool: 'etcd',
      version: v.etcd,
      binary: 'etcd',
      path: `${BIN}/etcd`,
    },
    {
      name: `${REGISTRY}/coredns/coredns:${v.corednsImageTag}`,
      tool: 'coredns',
      version: v.coredns,
      binary: 'coredns',
      path: '/coredns',
      entrypoint: ['/coredns'],
    },
    {
      name: `${LOCAL}/local-path-provisioner:${v.localPath}`,
      tool: 'localpath',
      version: v.localPath,
      binary: 'local-path-provisioner',
      path: `${BIN}/local-path-provisioner`,
    },
    {
      name: LOCAL_PATH_HELPER,
      rootfsBinary: '/usr/bin/busybox',
      path: '/bin/busybox',
      links: Object.fromEntries(['sh', 'mkdir', 'rm', 'chmod', 'ls'].map((a) => [`/bin/${a}`, 'busybox'])),
    },
    {
      name: sandboxImage(v),
      tool: 'pause',
      version: v.pause,
      binary: 'pause',
      path: '/pause',
      entrypoint: ['/pause'],
    },
  ]
}

export function nodeBinaries(v: KindNodeVersions): NodeBinary[] {
  const k8s = ['kubeadm', 'kubelet', 'kubectl'].map((binary) => ({
    tool: 'kubernetes',
    version: v.kubernetes,
    binary,
    dest: `${BIN}/${binary}`,
  }))
  const containerd = ['containerd', 'containerd-shim-runc-v2', 'ctr'].map((binary) => ({
    tool: 'containerd',
    version: v.containerd,
    binary,
    dest: `${BIN}/${binary}`,
  }))
  const cni = ['bridge', 'host-local', 'loopback', 'portmap', 'ptp'].map((binary) => ({
    tool: 'cni',
    version: v.cni,
    binary,
    dest: `/opt/cni/bin/${binary}`,
  }))
  return [
    ...k8s,
    ...containerd,
    { tool: 'runc', version: v.runc, binary: 'runc', dest: '/usr/local/sbin/runc' },
    { tool: 'crictl', version: v.crictl, binary: 'crictl', dest: `${BIN}/crictl` },
    ...cni,
  ]
}

// --- files written into the rootfs -------------------------------------------------------------

/**
 * Runs before systemd. kind starts the node with --privileged, --cgroupns=private, tmpfs /run and
 * /tmp and a volume on /var. On cgroup v1 the kubelet runs under cgroup root /kubelet (systemd
 * driver: kubelet.slice); those cgroups are made here and bind-mounted onto themselves so systemd
 * does not remove them before the kubelet starts.
 */
export function renderEntrypoint(): string {
  return `#!/bin/bash
set -o errexit -o nounset -o pipefail
note() { echo "d7y-kind-node: $*" >&2; }

if [[ -n "\${KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER:-}" ]]; then
  note "containerd snapshotter: \${KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER}"
  sed -i -E "s/^(\\s*snapshotter = ).*/\\1\\"\${KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER}\\"/" /etc/containerd/config.toml
fi

# systemd expects a read-only /sys in a container; mounts must propagate for the kubelet's volumes.
mount -o remount,ro /sys
mount --make-rshared /

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  note 'detected cgroup v2'
else
  note 'detected cgroup v1'
  if [[ -d /sys/fs/cgroup/misc ]]; then
    # runc and the kubelet disagree about the misc controller on v1; hide it from systemd.
    umount /sys/fs/cgroup/misc || note 'could not unmount the misc controller'
    rmdir /sys/fs/cgroup/misc || true
    grep -v '^misc' /proc/cgroups >/kind/cgroups-without-misc
    mount --bind /kind/cgroups-without-misc /proc/cgroups
  fi
  mount --make-rprivate /sys/fs/cgroup
  for controller in $(findmnt -lun -o target -t cgroup); do
    for group in kubelet kubelet.slice; do
      mkdir -p "$controller/$group"
      if [[ "$controller" == */cpuset ]]; then
        cat "$controller/cpuset.cpus" >"$controller/$group/cpuset.cpus"
        cat "$controller/cpuset.mems" >"$controller/$group/cpuset.mems"
      fi
      mount --bind "$controller/$group" "$controller/$group"
    done
  done
fi

# Every node gets its own machine id (the kubelet and CNI plugins tell nodes apart by it).
rm -f /etc/machine-id
systemd-machine-id-setup >/dev/null

# Docker (not podman) gives the node its embedded resolver, 127.0.0.11, reached through NAT rules in
# the node's own namespace. A pod cannot reach a loopback address of the node: CoreDNS, forwarding
# to it, would query itself and stop ("plugin/loop"). Pods get the network's gateway address instead,
# and the node's NAT sends what arrives there for port 53 on to the embedded resolver (as kind's own
# node image does).
embedded=127.0.0.11
if grep -q "^nameserver $embedded\\$" /etc/resolv.conf; then
  gateway=$(ip -4 route show default | cut -d' ' -f3)
  note "Docker's embedded DNS: pods reach it at $gateway"
  # every rule aimed at the loopback resolver aims at the gateway; the OUTPUT hook is repeated for
  # PREROUTING (pods' queries come from outside the node's own stack); replies leave from :53 there
  iptables-save -t nat |
    sed -e "s/-d $embedded\\/32/-d $gateway\\/32/g" \\
      -e "s/^-A OUTPUT \\(.*\\) -j DOCKER_OUTPUT\\$/&\\n-A PREROUTING \\1 -j DOCKER_OUTPUT/" \\
      -e "s/--to-source :53/--to-source $gateway:53/g" |
    iptables-restore
  # the NAT target stays the loopback resolver: routing a pod's packet to it needs route_localnet
  echo 1 >/proc/sys/net/ipv4/conf/all/route_localnet
  sed "s/^nameserver $embedded\\$/nameserver $gateway/" /etc/resolv.conf >/etc/resolv.conf.d7y
  cat /etc/resolv.conf.d7y >/etc/resolv.conf
fi

note 'exec init'
exec "$@"
`
}

/** containerd 2 config (version 3): CRI with runc under systemd cgroups, sandbox = our pause. */
export function renderContainerdConfig(v: KindNodeVersions): string {
  const rt = 'plugins."io.containerd.cri.v1.runtime"'
  return `version = 3

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"

[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "${sandboxImage(v)}"

[${rt}]
  tolerate_missing_hugepages_controller = true
  # the node has no CAP_SYS_RESOURCE here: never ask runc for a lower oom_score_adj than ours
  restrict_oom_score_adj = true

[${rt}.containerd]
  default_runtime_name = "runc"

[${rt}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${rt}.containerd.runtimes.runc.options]
  BinaryName = "/usr/local/sbin/runc"
  SystemdCgroup = true

[${rt}.cni]
  bin_dirs = ["/opt/cni/bin"]
  conf_dir = "/etc/cni/net.d"
`
}

/** Placeholder in the CNI template the pod-network service replaces with the node's podCIDR. */
export const POD_CIDR_PLACEHOLDER = '@POD_CIDR@'

/** A bridge network with addresses from host-local: a stand-in for kindnetd (not buildable here). */
export function renderCniConflist(range: string = POD_CIDR_PLACEHOLDER): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'd7y-bridge',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          // masquerading of traffic leaving the pod network is the pod-network service's rule
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: range }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`
}

/**
 * kind applies this with `kubectl create`. The network itself is the node's pod-network service;
 * this lets it read every node's podCIDR and address with the kubelet's credentials (the Node
 * authorizer of v1.33 lets a kubelet read only its own Node), and records the CNI template.
 */
export function renderDefaultCniManifest(): string {
  const conf = renderCniConflist()
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
  return `# Pod network of d7y-conformance kind nodes: CNI bridge + host-local per node, routes between nodes.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: d7y-pod-network
rules:
  - apiGroups: [""]
    resources: ["nodes"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: d7y-pod-network
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: d7y-pod-network
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: system:nodes
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d7y-pod-network
  namespace: kube-system
data:
  10-d7y-bridge.conflist: |
${conf}
`
}

/**
 * kind applies this with `kubectl apply`: local-path-provisioner as the default StorageClass
 * "standard", volumes under /var/local-path-provisioner of the node, helper pods from the preloaded
 * busybox image.
 */
export function renderDefaultStorageManifest(v: KindNodeVersions): string {
  const ns = 'local-path-storage'
  const sa = 'local-path-provisioner'
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${sa}
  namespace: ${ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${sa}
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${sa}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${sa}
subjects:
  - kind: ServiceAccount
    name: ${sa}
    namespace: ${ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${sa}
rules:
  - apiGroups: [""]
    resources: ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["persistentvolumes"]
    verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
  - apiGroups: [""]
    resources: ["events"]
    verbs: ["create", "patch"]
  - apiGroups: ["storage.k8s.io"]
    resources: ["storageclasses"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${sa}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${sa}
subjects:
  - kind: ServiceAccount
    name: ${sa}
    namespace: ${ns}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${sa}
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${sa}
  template:
    metadata:
      labels:
        app: ${sa}
    spec:
      serviceAccountName: ${sa}
      tolerations:
        - key: node-role.kubernetes.io/control-plane
          operator: Exists
          effect: NoSchedule
      containers:
        - name: provisioner
          image: ${LOCAL}/local-path-provisioner:${v.localPath}
          imagePullPolicy: IfNotPresent
          command: ["${BIN}/local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"]
          env:
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: SERVICE_ACCOUNT_NAME
              value: ${sa}
            - name: CONFIG_MOUNT_PATH
              value: /etc/config/
          volumeMounts:
            - name: config
              mountPath: /etc/config/
      volumes:
        - name: config
          configMap:
            name: local-path-config
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-path-config
  namespace: ${ns}
data:
  config.json: |-
    {"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["/var/local-path-provisioner"]}]}
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "$VOL_DIR"
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata:
      name: helper-pod
    spec:
      priorityClassName: system-node-critical
      tolerations:
        - key: node.kubernetes.io/disk-pressure
          operator: Exists
          effect: NoSchedule
      containers:
        - name: helper-pod
          image: ${LOCAL_PATH_HELPER}
          imagePullPolicy: IfNotPresent
`
}

const CONTAINERD_UNIT = `[Unit]
Description=containerd for a kind node
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${BIN}/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=1
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity

[Install]
WantedBy=multi-user.target
`

// Restarted until kubeadm has written /var/lib/kubelet/config.yaml.
const KUBELET_UNIT = `[Unit]
Description=kubelet for a kind node
Wants=containerd.service
After=containerd.service
StartLimitIntervalSec=0

[Service]
ExecStart=${BIN}/kubelet
Restart=always
RestartSec=1s
Slice=kubelet.slice
CPUAccounting=true
MemoryAccounting=true

[Install]
WantedBy=multi-user.target
`

// The flags kubeadm expects the kubelet to get (kubeadm writes kubeadm-flags.env and config.yaml).
const KUBELET_KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStartPre=/kind/bin/kubelet-cgroups.sh
ExecStart=
ExecStart=${BIN}/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`

const KUBELET_SLICE = `[Unit]
Description=slice of the kubelet and its pods
Before=slices.target
`

// Drops the /proc/cgroups bind mount of the entrypoint once systemd has started.
const UNDO_PROC_CGROUPS_UNIT = `[Unit]
Description=Undo the entrypoint's /proc/cgroups bind mount
DefaultDependencies=no
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c "if mountpoint -q /proc/cgroups; then umount /proc/cgroups; fi"

[Install]
WantedBy=multi-user.target
`

// cgroup v1: systemd mounts some controllers itself after the entrypoint ran (here hugetlb,
// net_cls,net_prio, perf_event); the kubelet wants its cgroup root in every one of them.
const KUBELET_CGROUPS_SCRIPT = `#!/bin/sh
set -eu
[ -f /sys/fs/cgroup/cgroup.controllers ] && exit 0
for controller in $(findmnt -lun -o target -t cgroup); do
  mkdir -p "$controller/kubelet" "$controller/kubelet.slice"
done
`

/**
 * The kindnetd stand-in, a loop on every node: once the kubelet has credentials, read the nodes'
 * podCIDRs and addresses; write this node's CNI config for its own podCIDR (until then the runtime
 * reports no network and the node stays NotReady), route every other node's podCIDR via that node
 * (all nodes share one container network), masquerade pod traffic leaving the node's own podCIDR.
 * That includes traffic to other nodes' pods: the container network's host bridge filters forwarded
 * packets (Docker's FORWARD policy DROP with bridge netfilter on; the podman network's rules accept
 * only its own subnet as source), so a pod address as source would be dropped between nodes. Pods
 * on other nodes therefore see the node's address as the peer, not the pod's.
 */
export function renderPodNetworkScript(): string {
  return `#!/bin/bash
set -u
conf=/etc/cni/net.d/10-d7y-bridge.conflist
template=/kind/cni/10-d7y-bridge.conflist
kubeconfig=/etc/kubernetes/kubelet.conf
me=$(hostname)
while true; do
  if [[ -f $kubeconfig ]]; then
    kubectl --kubeconfig=$kubeconfig get nodes -o \\
      jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.podCIDR}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\\n"}{end}' 2>/dev/null |
      while read -r name cidr address; do
        [[ -n "\${cidr:-}" && -n "\${address:-}" ]] || continue
        if [[ "$name" == "$me" ]]; then
          want=$(sed "s#${POD_CIDR_PLACEHOLDER}#$cidr#" "$template")
          if [[ ! -f $conf || "$(cat "$conf")" != "$want" ]]; then
            mkdir -p "$(dirname "$conf")"
            printf '%s\\n' "$want" >"$conf.tmp" && mv "$conf.tmp" "$conf"
            echo "pod range $cidr"
          fi
          iptables -t nat -C POSTROUTING -s "$cidr" ! -d "$cidr" -j MASQUERADE 2>/dev/null ||
            iptables -t nat -A POSTROUTING -s "$cidr" ! -d "$cidr" -j MASQUERADE
        else
          ip route replace "$cidr" via "$address"
        fi
      done
  fi
  sleep 3
done
`
}

const POD_NETWORK_UNIT = `[Unit]
Description=pod network of a d7y-conformance kind node (bridge CNI config, routes to other nodes)
After=kubelet.service
StartLimitIntervalSec=0

[Service]
ExecStart=/kind/bin/d7y-pod-network.sh
Restart=always
RestartSec=2s

[Install]
WantedBy=multi-user.target
`

export function renderNodeFiles(v: KindNodeVersions): Record<string, string> {
  return {
    '/usr/local/bin/entrypoint': renderEntrypoint(),
    '/etc/containerd/config.toml': renderContainerdConfig(v),
    '/etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n',
    '/kind/cni/10-d7y-bridge.conflist': renderCniConflist(),
    '/kind/bin/d7y-pod-network.sh': renderPodNetworkScript(),
    '/etc/systemd/system/d7y-pod-network.service': POD_NETWORK_UNIT,
    '/kind/bin/kubelet-cgroups.sh': KUBELET_CGROUPS_SCRIPT,
    '/etc/systemd/system/containerd.service': CONTAINERD_UNIT,
    '/etc/systemd/system/kubelet.service': KUBELET_UNIT,
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': KUBELET_KUBEADM_DROPIN,
    '/etc/systemd/system/kubelet.slice': KUBELET_SLICE,
    '/etc/systemd/system/undo-proc-cgroups.service': UNDO_PROC_CGROUPS_UNIT,
    '/etc/default/kubelet': 'KUBELET_EXTRA_ARGS=--runtime-cgroups=/system.slice/containerd.service\n',
    '/etc/sysctl.d/10-d7y-kind-node.conf': 'net.ipv4.ip_forward = 1\nfs.inotify.max_user_watches = 524288\n',
    '/kind/version': v.kubernetes,
    '/kind/manifests/default-cni.yaml': renderDefaultCniManifest(),
    '/kind/manifests/default-storage.yaml': renderDefaultStorageManifest(v),
  }
}

export const NODE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'conntrack',
  'iptables',
  'nftables',
  'iproute2',
  'ethtool',
  'kmod',
  'libseccomp2',
  'ca-certificates',
  'procps',
  // its static binary becomes the local-path helper image
  'busybox-static',
]

// Units with nothing to do in a container; the node's own services enabled.
const CUSTOMIZE = [
  'systemctl mask getty.target console-getty.service systemd-udevd.service systemd-logind.service systemd-binfmt.service systemd-modules-load.service',
  'systemctl enable containerd.service kubelet.service undo-proc-cgroups.service d7y-pod-network.service',
  'echo ReadKMsg=no >>/etc/systemd/journald.conf',
  ': >/etc/machine-id',
].join('\n')

export function kindNodeRecipe(
  debian: { suite: string; mirror?: string },
  v: KindNodeVersions = KIND_NODE_VERSIONS,
): KindNodeRecipe {
  return {
    repository: 'localhost/d7y-conformance/kind-node',
    // 2: shared objects inside preloaded directories bring their libraries (kube-proxy's xtables)
    builder: 2,
    ...debian,
    packages: NODE_PACKAGES,
    files: renderNodeFiles(v),
    executables: [
      '/usr/local/bin/entrypoint',
      '/kind/bin/kubelet-cgroups.sh',
      '/kind/bin/d7y-pod-network.sh',
    ],
    binaries: nodeBinaries(v),
    images: preloadImages(v),
    customize: CUSTOMIZE,
    changes: [
      'ENV container=docker',
      'STOPSIGNAL SIGRTMIN+3',
      'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
    ],
  }
}

/** podman reference of a recipe: its repository tagged with a hash of everything in it. */
export function kindNodeImageRef(recipe: KindNodeRecipe): string {
  const hash = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12)
  return `${recipe.repository}:${hash}`
}
