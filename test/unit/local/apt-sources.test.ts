// The Debian mirror comes from the machine's apt sources (issue 11: the suite names no mirror of its
// own). Before, rootfs-image.ts hard-coded one; these tests fail on that code (no parser existed and
// debootstrap always got the constant). Mirror names here are placeholders, in apt's real formats.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  debianMirror,
  parseDeb822Sources,
  parseOneLineSources,
  pickMirror,
  readAptSources,
} from '../../../helpers/local/apt-sources.ts'

// The layout of Debian 12's default /etc/apt/sources.list.d/debian.sources (a comment between fields).
const DEB822 = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`

describe('apt sources', () => {
  test('deb822: every deb stanza, comments skipped; deb-src only and disabled stanzas ignored', () => {
    expect(parseDeb822Sources(DEB822, 'd.sources')).toEqual([
      { uri: 'http://mirror.example/debian', suites: ['bookworm', 'bookworm-updates'], file: 'd.sources' },
      { uri: 'http://mirror.example/debian-security', suites: ['bookworm-security'], file: 'd.sources' },
    ])
    expect(
      parseDeb822Sources('Types: deb-src\nURIs: http://a.example/debian\nSuites: bookworm\n', 'x'),
    ).toEqual([])
    expect(
      parseDeb822Sources('Enabled: no\nTypes: deb\nURIs: http://a.example/debian\nSuites: bookworm\n', 'x'),
    ).toEqual([])
  })

  test('one-line: options in brackets, deb-src and comments skipped', () => {
    const text = `# deb http://old.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [signed-by=/usr/share/keyrings/k.gpg arch=amd64] http://local.example/debian/ bookworm main
`
    expect(parseOneLineSources(text, 's.list')).toEqual([
      { uri: 'http://local.example/debian/', suites: ['bookworm'], file: 's.list' },
    ])
  })

  test('the first deb source listing the suite wins; else the first non-security archive; else none', () => {
    const other = { uri: 'https://vendor.example/apt', suites: ['nodistro'], file: 'v.sources' }
    const sec = { uri: 'http://m.example/debian-security', suites: ['trixie-security'], file: 'd' }
    const main = { uri: 'http://m.example/debian/', suites: ['trixie'], file: 'd' }
    expect(pickMirror([other, ...parseDeb822Sources(DEB822, 'd')], 'bookworm')).toBe(
      'http://mirror.example/debian',
    )
    expect(pickMirror([sec, main], 'bookworm')).toBe('http://m.example/debian')
    expect(pickMirror([sec], 'bookworm')).toBeUndefined()
  })

  test("reads apt's files in apt's order and honours D7Y_DEBIAN_MIRROR", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'apt-'))
    mkdirSync(path.join(root, 'sources.list.d'))
    writeFileSync(path.join(root, 'sources.list.d', 'debian.sources'), DEB822)
    writeFileSync(
      path.join(root, 'sources.list.d', 'a.list.disabled'),
      'deb http://no.example/debian bookworm main\n',
    )
    writeFileSync(path.join(root, 'sources.list'), 'deb http://first.example/debian bookworm main\n')
    expect(readAptSources(root).map((s) => s.uri)).toEqual([
      'http://first.example/debian',
      'http://mirror.example/debian',
      'http://mirror.example/debian-security',
    ])
    expect(debianMirror('bookworm', {}, root)).toBe('http://first.example/debian')
    expect(debianMirror('bookworm', { D7Y_DEBIAN_MIRROR: 'http://env.example/debian' }, root)).toBe(
      'http://env.example/debian',
    )
    expect(debianMirror('bookworm', {}, path.join(root, 'missing'))).toBeUndefined()
  })
})

describe('a machine whose apt is not Debian’s (an ubuntu-24.04 CI runner’s layout)', () => {
  // The layout GitHub's ubuntu-24.04 images write: the distribution's archive through apt's mirror
  // method (a list of mirrors in a file), and vendors' repositories beside it (hosts replaced here).
  const UBUNTU = `Types: deb
URIs: mirror+file:/etc/apt/apt-mirrors.txt
Suites: noble noble-updates noble-backports noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`
  const VENDOR = 'deb [arch=amd64,arm64,armhf] https://vendor.example/ubuntu/24.04/prod noble main\n'

  test('no Debian mirror there: debootstrap uses its own default, not a vendor or Ubuntu archive', () => {
    const sources = [
      ...parseDeb822Sources(UBUNTU, 'ubuntu.sources'),
      ...parseOneLineSources(VENDOR, 'microsoft-prod.list'),
    ]
    expect(pickMirror(sources, 'bookworm')).toBeUndefined()
  })

  test('another Debian suite’s mirror still serves bookworm; a mirror+ list is never a debootstrap mirror', () => {
    const trixie = { uri: 'http://m.example/debian/', suites: ['trixie-updates'], file: 'd' }
    const listed = { uri: 'mirror+file:/etc/apt/mirrors.txt', suites: ['bookworm'], file: 'd' }
    expect(pickMirror([listed, trixie], 'bookworm')).toBe('http://m.example/debian')
  })
})
