// The eStargz validator's public surface: verify a layer blob, and derive what to expect from a manifest.
export {
  verifyEstargz,
  type EstargzExpectations,
  type EstargzRejected,
  type EstargzValid,
  type EstargzVerdict,
  type VerifyOptions,
} from './verify.ts'
export { layerListing, rootfsFiles, type LayerListing, type ListedFile } from './layer-listing.ts'
export { expectationsFromManifest, ManifestError, type LayerExpectations } from './manifest.ts'
export { TOC_DIGEST_ANNOTATION, UNCOMPRESSED_SIZE_ANNOTATION } from './format.ts'
