// What a source build needs on the machine, checked before it starts (a Rust build that fails after
// twenty minutes for want of protoc helps nobody), and said as the packages to install.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { findOnPath } from './find-on-path.ts'

/** How the checks look at the machine (tests pass a fake). */
export interface Probe {
  hasCommand(name: string): boolean
  exists(file: string): boolean
  /** file names in a directory ([] when it does not exist) */
  list(dir: string): string[]
  env(name: string): string | undefined
}

export interface Prerequisite {
  what: string
  /** the Debian package that provides it */
  apt?: string
  /** how to get it otherwise */
  hint?: string
  present(probe: Probe): boolean
}

export const realProbe: Probe = {
  hasCommand: (name) => findOnPath(name, process.env.PATH) !== undefined,
  exists: (file) => existsSync(file),
  list: (dir) => {
    try {
      return readdirSync(dir)
    } catch {
      return []
    }
  },
  env: (name) => process.env[name],
}

const command = (name: string, apt?: string, hint?: string): Prerequisite => ({
  what: name,
  ...(apt ? { apt } : {}),
  ...(hint ? { hint } : {}),
  present: (p) => p.hasCommand(name),
})

/** libclang.so for bindgen (librocksdb-sys): LIBCLANG_PATH, or LLVM's usual places on Debian. */
function hasLibclang(p: Probe): boolean {
  const isLib = (f: string): boolean => /^libclang(-\d+)?\.so/.test(f)
  const explicit = p.env('LIBCLANG_PATH')
  if (explicit) return p.list(explicit).some(isLib)
  const llvmDirs = p
    .list('/usr/lib')
    .filter((d) => d.startsWith('llvm-'))
    .map((d) => path.join('/usr/lib', d, 'lib'))
  return [
    ...llvmDirs,
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
  ].some((d) => p.list(d).some(isLib))
}

/** The protobuf well-known types (google/protobuf/*.proto) that tonic-prost-build compiles against. */
function hasWellKnownProtos(p: Probe): boolean {
  const dirs = [p.env('PROTOC_INCLUDE'), '/usr/include', '/usr/local/include'].filter((d): d is string => !!d)
  return dirs.some((d) => p.exists(path.join(d, 'google', 'protobuf', 'timestamp.proto')))
}

/** dragonfly-client: dragonfly-api compiles .proto files, librocksdb-sys runs bindgen and a C++ build, aws-lc uses cmake. */
export const cargoPrerequisites: Prerequisite[] = [
  command('cargo', undefined, 'Rust from https://rustup.rs'),
  command('protoc', 'protobuf-compiler'),
  { what: 'protobuf well-known .proto files', apt: 'libprotobuf-dev', present: hasWellKnownProtos },
  command('clang', 'clang'),
  { what: 'libclang.so', apt: 'libclang-dev', present: hasLibclang },
  command('cmake', 'cmake'),
  command('c++', 'g++'),
]

export const goPrerequisites: Prerequisite[] = [command('go', undefined, 'Go from https://go.dev/dl')]

/** Where Debian (multiarch) and others keep static libraries. */
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
]

/** A static library (lib<name>.a) for `-static` links. */
export const staticLibrary = (name: string, apt: string): Prerequisite => ({
  what: `lib${name}.a`,
  apt,
  present: (p) => LIBRARY_DIRS.some((d) => p.exists(path.join(d, `lib${name}.a`))),
})

/** gcc -static of a C file (pause). */
export const staticCPrerequisites: Prerequisite[] = [command('gcc', 'gcc'), staticLibrary('c', 'libc6-dev')]

/** A static cgo build against libseccomp (runc): its cgo directives ask pkg-config for the flags. */
export const staticSeccompPrerequisites: Prerequisite[] = [
  ...staticCPrerequisites,
  command('pkg-config', 'pkg-config'),
  staticLibrary('seccomp', 'libseccomp-dev'),
]

export function missingPrerequisites(list: readonly Prerequisite[], probe: Probe): Prerequisite[] {
  return list.filter((p) => !p.present(probe))
}

/** One line: what is missing and the apt-get line that fixes the Debian part of it. */
export function describeMissing(missing: readonly Prerequisite[]): string {
  const apt = [...new Set(missing.flatMap((m) => (m.apt ? [m.apt] : [])))]
  const others = missing.filter((m) => !m.apt).map((m) => `${m.what} (${m.hint ?? 'install it'})`)
  const parts = [`missing ${missing.map((m) => m.what).join(', ')}`]
  if (apt.length > 0) parts.push(`apt-get install -y ${apt.join(' ')}`)
  if (others.length > 0) parts.push(others.join('; '))
  return parts.join(' — ')
}
