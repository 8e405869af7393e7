// Push-style access to tar-stream's extractor: the member walker hands over decoded pieces as they come
// (with backpressure) and every entry goes to a handler that must consume its content.
import { once } from 'node:events'
import { extract, type Header } from 'tar-stream'

export type TarHeader = Header

/**
 * @param contentOffset where the entry's content starts in the tar stream: the extractor reports where
 *   the entry's (last) 512-byte header block starts, long-name and pax headers already consumed
 */
export type TarEntryHandler = (
  header: TarHeader,
  content: AsyncIterable<Buffer>,
  contentOffset: number,
) => Promise<void>

const HEADER_BLOCK = 512

export class TarReader {
  private readonly extractor = extract()
  private failure: Error | undefined
  private readonly finished: Promise<void>

  constructor(onEntry: TarEntryHandler) {
    this.extractor.on('entry', (header, content, next) => {
      onEntry(header, content as AsyncIterable<Buffer>, content.offset + HEADER_BLOCK).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      )
    })
    this.finished = new Promise<void>((resolve, reject) => {
      this.extractor.once('finish', resolve)
      this.extractor.once('error', (error: Error) => {
        this.failure = error
        reject(error)
      })
    })
    // the rejection is delivered through write()/end(); don't let it go unhandled in between
    this.finished.catch(() => undefined)
  }

  async write(piece: Buffer): Promise<void> {
    if (this.failure) throw this.failure
    if (!this.extractor.write(piece)) await Promise.race([once(this.extractor, 'drain'), this.finished])
    if (this.failure) throw this.failure
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure
    this.extractor.end(undefined)
    await this.finished
  }
}
