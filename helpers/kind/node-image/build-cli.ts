// npx tsx helpers/kind/node-image/build-cli.ts: builds (or finds) the offline kind node image in
// podman and prints its reference on stdout; progress and timing on stderr.
import { defaults } from '../../config.ts'
import { debian } from '../../local/rootfs-image.ts'
import { ensureKindNodeImage } from './build.ts'
import { kindNodeRecipe } from './recipe.ts'

const started = Date.now()
const { cacheDir } = defaults
const result = await ensureKindNodeImage(kindNodeRecipe(debian()), {
  cacheDir,
  workDir: `${cacheDir}/kind-node-build`,
  log: (l) => process.stderr.write(`${l}\n`),
})
process.stderr.write(
  `${result.built ? 'built' : 'cached'} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
)
process.stdout.write(`${result.ref}\n`)
