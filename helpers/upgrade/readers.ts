// The readers an upgrade is judged on: on every worker a nerdctl container, and where the profile
// runs Pods (kind) also a Pod pulled through the CRI, as a cluster's own workloads are. One shape for
// both, labelled by where they run, so each step's verdict counts them alike.
import type { Node } from '../profiles/node.ts'
import type { Profile } from '../profiles/profile.ts'
import {
  readerArgs,
  readerLogText,
  readerState,
  removeReader,
  startReader,
  type ReaderState,
} from './reader.ts'

export interface Reader {
  /** how verdicts name it: the worker, with " (Pod)" for the CRI one */
  label: string
  node: Node
  start(ref: string, paceSeconds: number): Promise<string>
  state(): Promise<ReaderState>
  logText(): Promise<string>
  remove(): Promise<void>
}

export function readersOn(profile: Pick<Profile, 'readerPod'>, workers: Node[]): Reader[] {
  const containers = workers.map((node): Reader => ({
    label: node.name,
    node,
    start: (ref, pace) => startReader(node, ref, pace),
    state: () => readerState(node),
    logText: async () => readerLogText(node),
    remove: () => removeReader(node),
  }))
  const pod = profile.readerPod
  if (!pod) return containers
  const pods = workers.map((node): Reader => {
    const label = `${node.name} (Pod)`
    return {
      label,
      node,
      start: (ref, pace) => pod.start(node, ref, readerArgs(pace)),
      state: async () => ({ ...(await pod.state(node)), node: label }),
      logText: () => pod.logText(node),
      remove: () => pod.remove(node),
    }
  })
  return [...containers, ...pods]
}
