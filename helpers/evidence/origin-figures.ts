// The origin figures a run records: one row per blob the origin served through the P2P pull, and a
// large layer's on-demand source reads. A leaf (it imports nothing) below run/state.ts and the
// fault results, so the run state and a fault's result can both name them without importing each other.

export interface OriginRow {
  digest: string
  size: number
  mediaType?: string
  nodes: number
  bytesServed: number
  amplification: number
}

/** A large layer's on-demand source reads in the P2P pull (from single-back-to-source's judgement). */
export interface OnDemandFigures {
  digest: string
  size: number
  rawAmplification: number
  attributedAmplification: number
  /** on-demand source reads P2P could not have served (nobody had the piece, or parents not yet named) */
  excusedBytes: number
  /** reads of pieces a peer held while the node's task had parents */
  missedReads: number
  /** pieces read from the source on demand and received from a parent as well */
  fetchedTwiceBytes: number
  /** per node: how long its task waited for parents after its first on-demand read */
  parentWaitMs: Record<string, number>
}
