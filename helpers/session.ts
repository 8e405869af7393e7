// Live handles that only exist while the run's worker process is alive (the origin registry's
// container handle), beside the serialisable run context.
import type { OriginRegistry } from './registry.ts'

let registry: OriginRegistry | undefined

export function setRegistry(r: OriginRegistry): void {
  registry = r
}

export function originRegistry(): OriginRegistry {
  if (!registry) throw new Error('no origin registry in this run: the registry chapter did not complete')
  return registry
}
