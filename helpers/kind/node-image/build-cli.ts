// npm run kind:node-image: builds (or finds) the offline kind node image in podman and prints its
// reference on stdout; progress and timing on stderr. Use it with
//   KIND_EXPERIMENTAL_PROVIDER=podman kind create cluster --image <reference>
import { existsSync } from 'node:fs'
import { defaults } from '../../run/config.ts'
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
// kind mounts the host's /lib/modules read-only into every node; podman refuses a missing source.
if (!existsSync('/lib/modules')) {
  process.stderr.write(
    'note: /lib/modules does not exist on this host; kind create cluster fails with ' +
      "'statfs /lib/modules: no such file or directory' until it does (an empty directory is enough)\n",
  )
}
process.stdout.write(`${result.ref}\n`)
