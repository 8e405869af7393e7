// The images the chart's pods run, for machines that cannot pull them (no container registry):
// Dragonfly's manager, scheduler and client binaries as this suite builds them (helpers/tools), on a
// Debian base with busybox (the chart's init containers run `nslookup` and `nc`) and
// grpc_health_probe (the chart's probes exec it); busybox for the init containers; MariaDB and
// Redis, Debian's servers, for the manager (wired through the chart's externalMysql/externalRedis).
// Each is tagged with the reference the values name. Pure recipes here; workload-images-build.ts
// builds them.
import type { RootfsRecipe } from '../local/rootfs-image.ts'

/** Marks an image made here (value: hash of its recipe and binaries), never a published one. */
export const OFFLINE_LABEL = 'd7y-conformance.offline-build'

/** A binary of the suite's tool cache placed in an image. */
export interface ImageBinary {
  tool: string
  binary: string
  dest: string
}

/** An image made FROM a base rootfs image with binaries added (a `docker build`). */
export interface DerivedImage {
  ref: string
  /** what to pull for it where a registry is reachable (by digest), tagged `ref` afterwards; default: ref */
  pull?: string
  base: 'runtime'
  binaries: ImageBinary[]
  entrypoint?: string[]
  cmd?: string[]
}

const PROBE: ImageBinary = {
  tool: 'grpcHealthProbe',
  binary: 'grpc_health_probe',
  dest: '/bin/grpc_health_probe',
}

/** Directories Dragonfly's binaries write to by default (logs, cache, storage, plugins). */
const DRAGONFLY_DIRS = [
  '/var/log/dragonfly',
  '/var/lib/dragonfly',
  '/var/cache/dragonfly',
  '/var/run/dragonfly',
]

/** Debian minbase + busybox: the shell tools of the Dragonfly images and the init containers. */
export function runtimeRecipe(debian: { suite: string; mirror?: string }): RootfsRecipe {
  return {
    repository: 'd7y-conformance/kind-runtime',
    ...debian,
    // The chart's init containers run `nslookup` (busybox's applet) and `nc -vz` (Debian's busybox
    // nc has no -z: netcat-openbsd's has).
    packages: ['busybox', 'ca-certificates', 'netcat-openbsd'],
    customize: ['ln -sf /bin/busybox /usr/local/bin/nslookup', `mkdir -p ${DRAGONFLY_DIRS.join(' ')}`].join(
      '\n',
    ),
  }
}

const MARIADB_START = `#!/bin/sh
# MariaDB for Dragonfly's manager: the database and user the values' externalMysql names.
set -eu
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
[ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
mariadbd --user=mysql --bind-address=0.0.0.0 --skip-name-resolve &
pid=$!
until mariadb -e 'SELECT 1' >/dev/null 2>&1; do
  kill -0 "$pid" || exit 1
  sleep 1
done
mariadb -e "CREATE DATABASE IF NOT EXISTS \\\`$DB_NAME\\\`;
  CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
  GRANT ALL ON \\\`$DB_NAME\\\`.* TO '$DB_USER'@'%'; FLUSH PRIVILEGES;"
echo "database $DB_NAME ready for $DB_USER"
wait "$pid"
`

/**
 * Debian minbase + MariaDB + Redis, installed after debootstrap with service starts denied
 * (policy-rc.d): a package's postinst must not start a server in the build's chroot.
 */
export function servicesRecipe(debian: { suite: string; mirror?: string }): RootfsRecipe {
  return {
    repository: 'd7y-conformance/kind-services',
    ...debian,
    packages: ['busybox', 'ca-certificates'],
    files: {
      '/usr/sbin/policy-rc.d': '#!/bin/sh\nexit 101\n',
      '/usr/local/bin/d7y-mariadb': MARIADB_START,
    },
    customize: [
      'chmod 0755 /usr/sbin/policy-rc.d /usr/local/bin/d7y-mariadb',
      'export DEBIAN_FRONTEND=noninteractive',
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends mariadb-server redis-server >/dev/null',
      'apt-get clean',
      'rm -f /usr/sbin/policy-rc.d',
    ].join('\n'),
  }
}

/** The Dragonfly images under the references the values name, and busybox for init containers. */
export function derivedImages(refs: {
  manager: string
  scheduler: string
  client: string
  /** the init containers' image (helpers/kind/images.ts initContainerImagePin) */
  init: { pull: string; ref: string }
}): DerivedImage[] {
  return [
    {
      ref: refs.manager,
      base: 'runtime',
      binaries: [{ tool: 'manager', binary: 'manager', dest: '/opt/dragonfly/bin/manager' }, PROBE],
      entrypoint: ['/opt/dragonfly/bin/manager'],
    },
    {
      ref: refs.scheduler,
      base: 'runtime',
      binaries: [{ tool: 'scheduler', binary: 'scheduler', dest: '/opt/dragonfly/bin/scheduler' }, PROBE],
      entrypoint: ['/opt/dragonfly/bin/scheduler'],
    },
    {
      ref: refs.client,
      base: 'runtime',
      binaries: [{ tool: 'dfdaemon', binary: 'dfdaemon', dest: '/usr/local/bin/dfdaemon' }, PROBE],
      entrypoint: ['/usr/local/bin/dfdaemon'],
    },
    { ref: refs.init.ref, pull: refs.init.pull, base: 'runtime', binaries: [], cmd: ['sh'] },
  ]
}

/** The Dockerfile of a derived image; binaries sit in the build context under their dest path. */
export function derivedDockerfile(image: DerivedImage, baseRef: string, recipeHash: string): string {
  const lines = [`FROM ${baseRef}`, `LABEL ${OFFLINE_LABEL}=${recipeHash}`]
  if (image.binaries.length) lines.push('COPY rootfs/ /')
  if (image.entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(image.entrypoint)}`)
  if (image.cmd) lines.push(`CMD ${JSON.stringify(image.cmd)}`)
  return `${lines.join('\n')}\n`
}
