// estargz verify <layer-blob> [--manifest m.json]: is the blob valid eStargz (and the layer the manifest
// describes)? Exit 0 with the TOC facts, or 1 with the reason.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Command } from 'commander'
import type { EstargzExpectations } from '../../../helpers/estargz/index.ts'
import { EXIT } from '../../errors.ts'
import { inputFile, printJson, printReason } from '../../io.ts'

interface VerifyOptions {
  manifest?: string
}

export function verifyCommand(): Command {
  return new Command('verify')
    .description('validate an eStargz layer blob: footer, TOC, every chunk against its digest')
    .argument('<layer-blob>', 'the compressed layer blob (a file)')
    .option(
      '--manifest <manifest.json>',
      "image manifest: the blob's descriptor (found by the blob's sha256) supplies size, TOC digest and uncompressed size to check",
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 1 invalid (JSON with valid:false and the reason; the reason also on stderr), 2 bad input.',
    )
    .action(async (blob: string, options: VerifyOptions) => {
      process.exitCode = await verify(blob, options)
    })
}

async function verify(blobPath: string, options: VerifyOptions): Promise<number> {
  const { verifyEstargz, expectationsFromManifest, ManifestError } =
    await import('../../../helpers/estargz/index.ts')
  await inputFile(blobPath, 'layer blob')
  let manifestText: string | undefined
  if (options.manifest !== undefined) {
    manifestText = await readFile(await inputFile(options.manifest, 'manifest'), 'utf8')
  }

  let digest: string | undefined
  let expect: EstargzExpectations = {}
  let manifestProblem: string | undefined
  if (manifestText !== undefined) {
    digest = await sha256File(blobPath)
    try {
      // The digest matched by construction: only size and the two annotations are left to check.
      const { size, tocDigest, uncompressedSize } = expectationsFromManifest(manifestText, digest)
      expect = { size, tocDigest, uncompressedSize }
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error
      manifestProblem = `manifest ${options.manifest}: ${error.message}`
    }
  }

  const verdict = await verifyEstargz(blobPath, expect)
  const context = { blob: blobPath, ...(digest !== undefined && { digest, manifest: options.manifest }) }
  // A blob that isn't eStargz at all is the more basic reason; otherwise the manifest's problem wins.
  if (!verdict.valid || manifestProblem === undefined) {
    printJson({
      ...context,
      ...verdict,
      ...(verdict.valid && manifestText !== undefined && { expected: expect }),
    })
    if (verdict.valid) return EXIT.ok
    printReason(verdict.reason)
    return EXIT.negative
  }
  printJson({ ...context, valid: false, notEstargz: false, reason: manifestProblem })
  printReason(manifestProblem)
  return EXIT.negative
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex')}`
}
