// MariaDB and Redis for Dragonfly's manager on kind: Debian's servers in one image of the suite's
// making (helpers/kind/workload-images.ts), run as a Deployment + Service each in the release's
// namespace, and handed to the chart through externalMysql / externalRedis (the chart's bitnami
// subcharts are disabled: their images are not the suite's to build).
import { CONTROL_PLANE_PLACEMENT, DRAGONFLY_NAMESPACE } from './release-location.ts'

export const MANAGER_DATABASE = {
  service: 'dragonfly-mariadb',
  port: 3306,
  database: 'manager',
  username: 'dragonfly',
  password: 'dragonfly',
} as const

export const MANAGER_REDIS = { service: 'dragonfly-redis', port: 6379 } as const

const inNamespace = (service: string): string => `${service}.${DRAGONFLY_NAMESPACE}.svc.cluster.local`

export const managerDatabaseHost = (): string => inNamespace(MANAGER_DATABASE.service)
export const managerRedisAddr = (): string => `${inNamespace(MANAGER_REDIS.service)}:${MANAGER_REDIS.port}`

interface Backend {
  name: string
  port: number
  command: string[]
  env?: { name: string; value: string }[]
  /** exec readiness probe */
  ready: string[]
}

function backends(): Backend[] {
  const db = MANAGER_DATABASE
  return [
    {
      name: db.service,
      port: db.port,
      command: ['/usr/local/bin/d7y-mariadb'],
      env: [
        { name: 'DB_NAME', value: db.database },
        { name: 'DB_USER', value: db.username },
        { name: 'DB_PASSWORD', value: db.password },
      ],
      ready: [
        'mariadb',
        `-u${db.username}`,
        `-p${db.password}`,
        '-h127.0.0.1',
        db.database,
        '-e',
        'SELECT 1',
      ],
    },
    {
      name: MANAGER_REDIS.service,
      port: MANAGER_REDIS.port,
      // no persistence: the manager's job queue lives as long as the run
      command: [
        'redis-server',
        '--bind',
        '0.0.0.0',
        '--protected-mode',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      ready: ['redis-cli', 'ping'],
    },
  ]
}

/** The manifest (namespace, Deployments, Services) applied before `helm install`. */
export function managerBackendsManifests(image: string): object[] {
  const labels = (name: string) => ({
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'd7y-conformance',
  })
  const objects: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: DRAGONFLY_NAMESPACE } }]
  for (const b of backends()) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: b.name, namespace: DRAGONFLY_NAMESPACE, labels: labels(b.name) },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels(b.name) },
        template: {
          metadata: { labels: labels(b.name) },
          spec: {
            // beside the manager, off the workers whose nodes the chapters disturb
            ...CONTROL_PLANE_PLACEMENT,
            containers: [
              {
                name: b.name,
                image,
                // the image is loaded into the nodes, never pulled
                imagePullPolicy: 'IfNotPresent',
                command: b.command,
                ...(b.env ? { env: b.env } : {}),
                ports: [{ containerPort: b.port }],
                readinessProbe: { exec: { command: b.ready }, periodSeconds: 2, failureThreshold: 60 },
              },
            ],
          },
        },
      },
    })
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: b.name, namespace: DRAGONFLY_NAMESPACE, labels: labels(b.name) },
      spec: { selector: labels(b.name), ports: [{ port: b.port, targetPort: b.port }] },
    })
  }
  return objects
}
