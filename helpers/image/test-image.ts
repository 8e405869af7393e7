// Test images built from Debian packages (no pulls): a minbase root filesystem plus the packages
// that give the image its version command. The whole rootfs is one layer well above 16 MiB, the
// size below which recent Dragonfly clients fetch blobs straight from the source on every node.
import type { TestImage } from '../config.ts'
import { debian, ensureRootfsImage, type RootfsRecipe } from '../local/rootfs-image.ts'

export function testImageRecipe(image: TestImage): RootfsRecipe {
  return {
    repository: `d7y-conformance/${image.name.replace(/[^a-z0-9]+/g, '-')}`,
    ...debian(),
    packages: image.packages,
    changes: [`CMD ${JSON.stringify(image.command)}`],
  }
}

/** The image in the local Docker engine, built when its recipe changed. */
export async function ensureTestImage(
  image: TestImage,
  workDir: string,
  log: (l: string) => void,
): Promise<string> {
  const { ref, built } = await ensureRootfsImage(testImageRecipe(image), workDir, log)
  log(built ? `built test image ${ref}` : `reusing cached test image ${ref}`)
  return ref
}
