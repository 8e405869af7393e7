// Source 4, Rust: `cargo install --locked <crate> --version <v> --bin <bin>` from crates.io into the
// staging root, with a shared target dir so a second build (or a version bump) reuses compiled crates.
// The release profile is relaxed (no LTO, opt-level 1, 16 codegen units): several times faster on
// 2 cores and plenty for conformance runs. Changing these invalidates the shared target dir, so they
// are fixed here rather than tunable.
import { cargoTargetDir } from './layout.ts'
import type { CommandStep } from './steps.ts'

export const CARGO_PROFILE_ENV: Readonly<Record<string, string>> = {
  CARGO_PROFILE_RELEASE_LTO: 'false',
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '16',
  CARGO_PROFILE_RELEASE_OPT_LEVEL: '1',
  CARGO_PROFILE_RELEASE_DEBUG: 'false',
  CARGO_PROFILE_RELEASE_INCREMENTAL: 'false',
}

export interface CargoInstall {
  crate: string
  /** as pinned ("v1.5.0"); crates.io versions have no "v" */
  version: string
  bin: string
  /** --root: bin/<bin> is written below it */
  root: string
  cacheDir: string
}

export function cargoInstallStep(c: CargoInstall): CommandStep {
  return {
    title: `cargo install ${c.crate} ${c.version.replace(/^v/, '')} (bin ${c.bin})`,
    file: 'cargo',
    args: [
      'install',
      '--locked',
      c.crate,
      '--version',
      c.version.replace(/^v/, ''),
      '--bin',
      c.bin,
      '--root',
      c.root,
      '--target-dir',
      cargoTargetDir(c.cacheDir),
    ],
    env: { ...CARGO_PROFILE_ENV },
    // A first build on 2 cores shared with other work takes well over an hour.
    timeoutMs: 4 * 3600_000,
  }
}
