// Well-known ports and paths of the components, as the binaries and the chart use them.
// dfdaemon defaults: dragonfly-client-config 1.5.0 src/dfdaemon.rs (default_*_port);
// scheduler: d7y.io/dragonfly/v2@v2.5.1 scheduler/config/constants.go (DefaultServerPort, DefaultMetricsAddr).

export const DFDAEMON_PORTS = {
  /** gRPC upload server (peers fetch pieces here) */
  upload: 4000,
  /** HTTP proxy / registry mirror */
  proxy: 4001,
  /** Prometheus `/metrics` */
  metrics: 4002,
  /** `/healthy` */
  health: 4003,
  stats: 4004,
  storageTcp: 4005,
  storageQuic: 4006,
} as const

export const SCHEDULER_PORTS = {
  grpc: 8002,
  /** Prometheus `/metrics` (the chart renders `metrics.addr: ":8000"`) */
  metrics: 8000,
} as const

/** NodePorts of the peer Service; the kind config publishes them on the host as 4001/4003 (guide). */
export const PEER_NODE_PORTS = { proxy: 30950, health: 30951 } as const

export const STARGZ_PATHS = {
  socket: '/run/containerd-stargz-grpc/containerd-stargz-grpc.sock',
  config: '/etc/containerd-stargz-grpc/config.toml',
  binary: '/usr/local/bin/containerd-stargz-grpc',
  /** the same binary again: it runs as the FUSE manager under this name (tools/stargz-grpc) */
  fuseManager: '/usr/local/bin/stargz-fuse-manager',
  fuseManagerSocket: '/run/containerd-stargz-grpc/fuse-manager.sock',
} as const

export const DRAGONFLY_PATHS = {
  configDir: '/etc/dragonfly',
  dfdaemonConfig: '/etc/dragonfly/dfdaemon.yaml',
  /** dfdaemon reads it only when `manager.addr` is unset (`--dynconfig`, default /etc/dragonfly/dynconfig.yaml) */
  dfdaemonDynconfig: '/etc/dragonfly/dynconfig.yaml',
  schedulerConfig: '/etc/dragonfly/scheduler.yaml',
  /**
   * The scheduler's own local dynconfig has a different schema but the same default path as dfdaemon's;
   * give it its own name so both can live on one machine.
   */
  schedulerDynconfig: '/etc/dragonfly/scheduler-dynconfig.yaml',
  dfdaemonLogDir: '/var/log/dragonfly/dfdaemon',
} as const
