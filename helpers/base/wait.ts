// Waiting is by condition with a deadline and a description of what was awaited; never a fixed sleep.
import { setTimeout as delay } from 'node:timers/promises'

export class WaitTimeout extends Error {
  override name = 'WaitTimeout'
}

export interface WaitOptions {
  timeoutMs: number
  /** pause between probes; grows up to 4x while the condition stays false */
  intervalMs?: number
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or throws WaitTimeout naming
 * what was awaited and the last thing the probe reported.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs, intervalMs = 500 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let interval = intervalMs
  let last = 'no answer yet'
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
      last = 'condition not met'
    } catch (err) {
      last = err instanceof Error ? err.message.split('\n')[0]! : String(err)
    }
    if (Date.now() >= deadline)
      throw new WaitTimeout(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what} (last: ${last})`,
      )
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())))
    interval = Math.min(interval * 1.5, intervalMs * 4)
  }
}
