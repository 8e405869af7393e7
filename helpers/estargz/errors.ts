// One error type for every rejection, so the verifier can tell a verdict ("this blob is not valid
// eStargz, because ...") from a failure of the verifier itself (file missing, a bug).

export class EstargzInvalid extends Error {
  override name = 'EstargzInvalid'
  constructor(
    reason: string,
    /** true when the blob simply isn't eStargz (plain gzip, legacy stargz), as opposed to broken eStargz */
    readonly notEstargz = false,
  ) {
    super(reason)
  }

  /** The same rejection with context in front ("in the member for ./bin/sh: ..."). */
  within(context: string): EstargzInvalid {
    return new EstargzInvalid(`${context}: ${this.message}`, this.notEstargz)
  }
}

export function invalid(reason: string): never {
  throw new EstargzInvalid(reason)
}

export function notEstargz(reason: string): never {
  throw new EstargzInvalid(`not eStargz: ${reason}`, true)
}
