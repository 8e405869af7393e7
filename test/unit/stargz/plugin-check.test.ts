// Issue 8 finding 8: `stargz-plugin` passed with an install error, and on `ctr plugin ls` alone,
// which says "ok" for a proxy plugin whose socket nobody serves (containerd v2.2.1 only creates a
// lazy gRPC client for it). The old verdict (status === 'ok' on every worker) passes the first two
// cases below; the new one fails them and names the reason.
import { describe, expect, test } from 'vitest'
import {
  pluginRow,
  snapshotListArgv,
  snapshotListing,
  stargzPluginVerdict,
} from '../../../helpers/stargz/plugin-check.ts'

// `ctr plugin ls` as containerd 2.x prints it (columns TYPE ID PLATFORMS STATUS).
const PLUGIN_LS = `TYPE                                      ID                       PLATFORMS      STATUS
io.containerd.snapshotter.v1              overlayfs                linux/amd64    ok
io.containerd.snapshotter.v1              stargz                   linux/amd64    ok
io.containerd.grpc.v1                     snapshots                -              ok
`
const ok = pluginRow(PLUGIN_LS)
const answered = snapshotListing(0, 'KEY PARENT KIND\n', '')
// What ctr prints when the proxy plugin's socket has no listener (gRPC Unavailable on the first call).
const refused = snapshotListing(
  1,
  '',
  'ctr: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd-stargz-grpc/containerd-stargz-grpc.sock: connect: no such file or directory"\n',
)

describe('stargz-plugin', () => {
  test('plugin "ok" but nothing answers on the socket: failed, with the listing error', () => {
    const v = stargzPluginVerdict([{ node: 'worker-1', plugin: ok, listing: refused }])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(
      /worker-1 \(preparing a snapshot through the plugin failed: ctr: rpc error: code = Unavailable/,
    )
  })

  test('the install step threw: failed with its error as diagnosis, even if the rest looks fine', () => {
    const v = stargzPluginVerdict([
      { node: 'worker-1', plugin: ok, listing: answered },
      {
        node: 'worker-2',
        plugin: ok,
        listing: answered,
        installError: 'systemctl restart containerd: exit 1',
      },
    ])
    expect(v.passed).toBe(false)
    expect(v.diagnosis).toMatch(/worker-2 \(install failed: systemctl restart containerd: exit 1\)/)
    expect(v.diagnosis).not.toMatch(/worker-1/)
  })

  test('plugin ok and the listing answered on every worker: passed; no worker: failed', () => {
    expect(
      stargzPluginVerdict([
        { node: 'worker-1', plugin: ok, listing: answered },
        { node: 'worker-2', plugin: ok, listing: answered },
      ]),
    ).toEqual({
      passed: true,
      diagnosis: expect.stringMatching(/prepared and removed through it on worker-1, worker-2$/),
    })
    expect(stargzPluginVerdict([]).passed).toBe(false)
  })

  test('parsing: the stargz row, an absent plugin, and the listing command through the plugin', () => {
    expect(ok).toEqual({ status: 'ok', row: expect.stringMatching(/stargz/) })
    expect(pluginRow(PLUGIN_LS.replace(/.*stargz.*\n/, '')).status).toBe('absent')
    // not `ctr snapshots ls`: containerd answers that from its own metadata with the snapshotter stopped
    const [sh, flag, script] = snapshotListArgv()
    expect([sh, flag]).toEqual(['sh', '-c'])
    expect(script).toMatch(
      /ctr -n d7y-probe snapshots --snapshotter stargz prepare "\$k" .*&& ctr -n d7y-probe snapshots --snapshotter stargz rm "\$k"/,
    )
    expect(answered).toEqual({ ok: true, detail: 'KEY PARENT KIND' })
  })
})
