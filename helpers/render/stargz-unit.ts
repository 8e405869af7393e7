// systemd unit for containerd-stargz-grpc. Same contract as upstream's
// script/config/etc/systemd/system/stargz-snapshotter.service (stargz-snapshotter): the daemon
// signals readiness (sd_notify, Type=notify), starts before containerd (the proxy plugin must be
// reachable when containerd loads it) and is restarted on exit. --log-level=debug because
// "prepared remote snapshot" is logged at debug only.
import { GENERATED_NOTICE, unitText, type UnitFile } from './format.ts'
import { STARGZ_PATHS } from './ports.ts'

export interface StargzUnitOptions {
  binary?: string
  config?: string
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error'
  /**
   * with stargz's FUSE manager: systemd must stop only the snapshotter's own process. The manager it
   * starts is detached only by process group (Setpgid), so it stays in the unit's cgroup, and the
   * default KillMode=control-group would kill it, and every mount with it, on each restart.
   */
  fuseManager?: boolean
}

export function stargzUnit(options: StargzUnitOptions = {}): UnitFile {
  const exec = [
    options.binary ?? STARGZ_PATHS.binary,
    `--log-level=${options.logLevel ?? 'debug'}`,
    `--config=${options.config ?? STARGZ_PATHS.config}`,
  ].join(' ')
  return [
    [
      'Unit',
      [
        ['Description', 'stargz snapshotter (containerd remote snapshotter for eStargz lazy pulling)'],
        ['After', 'network.target'],
        ['Before', 'containerd.service'],
      ],
    ],
    [
      'Service',
      [
        ['Type', 'notify'],
        ['Environment', 'HOME=/root'],
        ['ExecStart', exec],
        ['Restart', 'always'],
        ['RestartSec', '1'],
        ...(options.fuseManager ? [['KillMode', 'process'] as [string, string]] : []),
      ],
    ],
    ['Install', [['WantedBy', 'multi-user.target']]],
  ]
}

export function renderStargzUnit(options: StargzUnitOptions = {}): string {
  return unitText(stargzUnit(options), GENERATED_NOTICE)
}
