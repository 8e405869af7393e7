// Progress for long steps on the terminal: what runs and for how long.
const started = Date.now()

function clock(ms: number): string {
  const s = Math.floor(ms / 1000)
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

export type Log = (line: string) => void

/** A logger for one step: every line carries the run's elapsed time and the step's name. */
export function stepLog(step: string): Log {
  return (line: string) => {
    if (line.trim()) process.stdout.write(`[${clock(Date.now() - started)}] ${step}: ${line}\n`)
  }
}

/** Runs `fn`, printing when it starts and how long it took. */
export async function timed<T>(step: string, fn: (log: Log) => Promise<T>): Promise<T> {
  const log = stepLog(step)
  const t0 = Date.now()
  log('started')
  try {
    const value = await fn(log)
    log(`done in ${clock(Date.now() - t0)}`)
    return value
  } catch (err) {
    log(`failed after ${clock(Date.now() - t0)}`)
    throw err
  }
}
