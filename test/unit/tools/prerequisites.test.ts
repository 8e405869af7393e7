import { describe, expect, test } from 'vitest'
import {
  cargoPrerequisites,
  describeMissing,
  missingPrerequisites,
  staticCPrerequisites,
  staticSeccompPrerequisites,
  type Probe,
} from '../../../helpers/tools/prerequisites.ts'

function probe(commands: string[], files: string[], dirs: Record<string, string[]> = {}): Probe {
  return {
    hasCommand: (n) => commands.includes(n),
    exists: (f) => files.includes(f),
    list: (d) => dirs[d] ?? [],
    env: () => undefined,
  }
}

const DEBIAN_OK = probe(
  ['cargo', 'protoc', 'clang', 'cmake', 'c++'],
  ['/usr/include/google/protobuf/timestamp.proto'],
  { '/usr/lib': ['llvm-14'], '/usr/lib/llvm-14/lib': ['libclang-14.so.1', 'libclang.so'] },
)

describe('build prerequisites', () => {
  test('a Debian machine with the packages installed has everything', () => {
    expect(missingPrerequisites(cargoPrerequisites, DEBIAN_OK)).toEqual([])
  })

  test('missing pieces are named with the apt packages that provide them', () => {
    const missing = missingPrerequisites(cargoPrerequisites, probe(['cargo', 'cmake', 'c++'], []))
    expect(missing.map((m) => m.what)).toEqual([
      'protoc',
      'protobuf well-known .proto files',
      'clang',
      'libclang.so',
    ])
    expect(describeMissing(missing)).toBe(
      'missing protoc, protobuf well-known .proto files, clang, libclang.so — ' +
        'apt-get install -y protobuf-compiler libprotobuf-dev clang libclang-dev',
    )
  })

  test('what apt cannot provide gets its own hint', () => {
    const missing = missingPrerequisites(cargoPrerequisites, probe(['protoc', 'clang', 'cmake', 'c++'], []))
    expect(describeMissing(missing)).toContain('cargo (Rust from https://rustup.rs)')
  })

  test('LIBCLANG_PATH wins over the usual places', () => {
    const p: Probe = { ...DEBIAN_OK, env: (n) => (n === 'LIBCLANG_PATH' ? '/opt/llvm/lib' : undefined) }
    expect(missingPrerequisites(cargoPrerequisites, p).map((m) => m.what)).toEqual(['libclang.so'])
  })

  test('static C builds: gcc and static libraries, found in the multiarch directory', () => {
    const all = probe(
      ['gcc', 'pkg-config'],
      ['/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib/x86_64-linux-gnu/libseccomp.a'],
    )
    expect(missingPrerequisites(staticSeccompPrerequisites, all)).toEqual([])
    // libseccomp2 alone ships only the shared library
    const noStatic = probe(['gcc', 'pkg-config'], ['/usr/lib/x86_64-linux-gnu/libc.a'])
    expect(missingPrerequisites(staticCPrerequisites, noStatic)).toEqual([])
    expect(describeMissing(missingPrerequisites(staticSeccompPrerequisites, noStatic))).toBe(
      'missing libseccomp.a — apt-get install -y libseccomp-dev',
    )
  })
})
