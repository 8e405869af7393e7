// This process's way to the origin registry pod on a cluster it did not create: `kubectl
// port-forward` on a fixed loopback port, started again on the same port when it exits (the API
// server drops long-lived streams), so the URL the run recorded stays valid. Stopped with the process.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import type { Command } from '../kind/commands.ts'
import { waitFor } from '../base/wait.ts'

export async function freeLoopbackPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise((resolve) => srv.close(resolve))
  return port
}

export interface PortForward {
  url: string
  stop(): void
}

/** Keeps `command` (a kubectl port-forward to `localPort`) running until stop(); resolves once /v2/ answers. */
export async function keepForwarding(
  command: Command,
  localPort: number,
  log: (line: string) => void,
): Promise<PortForward> {
  let child: ChildProcess | undefined
  let stopped = false
  const start = () => {
    child = spawn(command.file, command.args, { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr?.on('data', (d: Buffer) => {
      const line = d.toString().trim()
      if (line) log(`port-forward: ${line.split('\n').pop()}`)
    })
    child.on('exit', () => {
      if (!stopped) setTimeout(start, 500)
    })
  }
  const stop = () => {
    stopped = true
    child?.kill()
  }
  process.once('exit', stop)
  start()
  const url = `http://127.0.0.1:${localPort}`
  await waitFor(
    `the origin registry through kubectl port-forward on ${url}`,
    async () => (await fetch(`${url}/v2/`).catch(() => undefined))?.ok === true,
    { timeoutMs: 60_000, intervalMs: 500 },
  ).catch((err: Error) => {
    stop()
    throw err
  })
  return { url, stop }
}
