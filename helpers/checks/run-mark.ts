// Evidence is judged only in the run that marked it. Every pull's mark carries the run id (a fault
// entry's `<run id>/<entry id>`); evidence under another run's mark was collected over that run's
// window, from its nodes' logs, so a verdict on it says nothing of this run, green or red.

/** The run a mark's id belongs to: the id itself, or the part before a fault entry's `/`. */
function runOfMark(markRunId: string): string {
  const slash = markRunId.indexOf('/')
  return slash < 0 ? markRunId : markRunId.slice(0, slash)
}

/**
 * Why evidence marked `markRunId` cannot be judged in run `runId` (a cannot-judge diagnosis), or
 * undefined when it is this run's. `what` names the evidence ("the p2p pull").
 */
export function otherRunEvidence(what: string, markRunId: string, runId: string): string | undefined {
  if (runOfMark(markRunId) === runId) return undefined
  return `cannot judge: ${what}'s evidence was marked by run ${markRunId}, not by this run (${runId}): it was collected over another run's window and says nothing of this one`
}
