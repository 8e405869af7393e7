import { describe, expect, test } from 'vitest'
import { createHash } from 'node:crypto'
import {
  blobDigestTaskId,
  contentTaskId,
  DEFAULT_FILTERED_QUERY_PARAMS,
  isBlobUrl,
  normalizeTaskUrl,
  taskIdOf,
  urlBasedTaskId,
} from '../../../helpers/evidence/task-id.ts'

// Expected values are computed here by hand-following the rule (sha256 over the concatenated parts),
// independently of the module's code path.
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const LAYER_HEX = '3e528d228dff0d487ffd114cef7ed4f4fad01129828456bb261582a33dcf0dcf'

describe('Dragonfly task id', () => {
  // Vectors from upstream's own unit test: dragonfly-client-util 1.5.0, src/id_generator/mod.rs,
  // `should_generate_task_id` (URL-based, content and blob-digest cases).
  test.each([
    [
      { tag: 'foo', application: 'bar', revision: 'v1.0', pieceLength: 1024 },
      '5844f27a257287e9b734256bb25603d8005422ced8c0377f15063ec11963b25f',
    ],
    [{ tag: 'foo', application: 'bar' }, '06408fbf247ddaca478f8cb9565fe5591c28efd0994b8fea80a6a87d3203c5ca'],
    [{ tag: 'foo' }, '3c3f230ef9f191dd2821510346a7bc138e4894bee9aee184ba250a3040701d2a'],
    [{ application: 'bar' }, 'c9f9261b7305c24371244f9f149f5d4589ed601348fdf22d7f6f4b10658fdba2'],
    [{ pieceLength: 1024 }, '9f7c9aafbc6f30f8f41a96ca77eeae80c5b60964b3034b0ee43ccf7b2f9e52b8'],
    [{ revision: 'v1.0' }, 'b171331534b80e0bf91da38ebbfcdbf4d177898f4b9beac44f14733e3f004d4e'],
  ])('upstream vector: https://example.com with %o', (parts, expected) => {
    expect(urlBasedTaskId({ url: 'https://example.com', filteredQueryParams: [], ...parts })).toBe(expected)
  })

  test('upstream vectors: filtered query, content, blob digest', () => {
    expect(
      urlBasedTaskId({ url: 'https://example.com?foo=foo&bar=bar', filteredQueryParams: ['foo', 'bar'] }),
    ).toBe('457b4328cde278e422c9e243f7bfd1e97f511fec43a80f535cf6b0ef6b086776')
    expect(contentTaskId('This is a test file')).toBe(
      'e2d0fe1585a63ec6009c8016ff8dda8b17719a637405a4e23c0ff81339148249',
    )
    expect(
      blobDigestTaskId(
        'https://registry.example.com/v2/myorg/myrepo/blobs/sha256:1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef',
      ),
    ).toBe('1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef')
  })

  test('the rule by hand: url + tag + application + piece length + "STANDARD", no separators', () => {
    // The upstream vectors double as a check of the hand rule.
    expect(sha256('https://example.comfoobarv1.01024STANDARD')).toBe(
      '5844f27a257287e9b734256bb25603d8005422ced8c0377f15063ec11963b25f',
    )
    const url = `http://reg:5000/v2/fixture/blobs/sha256:${LAYER_HEX}`
    expect(urlBasedTaskId({ url })).toBe(sha256(url + 'STANDARD'))
    expect(urlBasedTaskId({ url, tag: 't', application: 'app', pieceLength: 4194304 })).toBe(
      sha256(url + 't' + 'app' + '4194304' + 'STANDARD'),
    )
  })

  test("a registry mirror's ns query is filtered by default, other query pairs are kept", () => {
    const base = `http://reg:5000/v2/fixture/blobs/sha256:${LAYER_HEX}`
    expect(DEFAULT_FILTERED_QUERY_PARAMS).toContain('ns')
    expect(DEFAULT_FILTERED_QUERY_PARAMS).toContain('X-Amz-Signature')
    expect(urlBasedTaskId({ url: `${base}?ns=docker.io` })).toBe(sha256(base + 'STANDARD'))
    expect(urlBasedTaskId({ url: `${base}?ns=docker.io&x=1` })).toBe(sha256(`${base}?x=1STANDARD`))
    // nothing filtered: the query stays (re-encoded as form data)
    expect(urlBasedTaskId({ url: `${base}?ns=docker.io`, filteredQueryParams: [] })).toBe(
      sha256(`${base}?ns=docker.ioSTANDARD`),
    )
  })

  test('URL normalisation: root slash trimmed, empty query dropped, pairs form-encoded', () => {
    expect(normalizeTaskUrl('https://example.com/')).toBe('https://example.com')
    expect(normalizeTaskUrl('https://example.com/a/')).toBe('https://example.com/a/')
    expect(normalizeTaskUrl('https://Example.COM:443/x?')).toBe('https://example.com/x')
    expect(normalizeTaskUrl('https://h/x?a=b%20c&Signature=s', [])).toBe('https://h/x?a=b+c&Signature=s')
    expect(normalizeTaskUrl('https://h/x?a=b%20c&Signature=s')).toBe('https://h/x?a=b+c')
  })

  test('digest mode: the blob digest hex, whatever the registry, query or tag', () => {
    const req = { enableTaskIdBasedBlobDigest: true, tag: 'ignored' }
    expect(taskIdOf({ ...req, url: `http://reg:5000/v2/fixture/blobs/sha256:${LAYER_HEX}` })).toBe(LAYER_HEX)
    expect(taskIdOf({ ...req, url: `https://mirror/v2/a/b/c/blobs/sha256:${LAYER_HEX}?ns=reg:5000` })).toBe(
      LAYER_HEX,
    )
    // not a blob URL: URL-based even with the option on
    const manifest = 'http://reg:5000/v2/fixture/manifests/1'
    expect(taskIdOf({ ...req, url: manifest })).toBe(sha256(manifest + 'ignored' + 'STANDARD'))
    // option off: URL-based
    const blob = `http://reg:5000/v2/fixture/blobs/sha256:${LAYER_HEX}`
    expect(taskIdOf({ url: blob })).toBe(sha256(blob + 'STANDARD'))
    // content wins over everything
    expect(taskIdOf({ ...req, url: blob, contentForCalculatingTaskId: 'x' })).toBe(sha256('x'))
  })

  test('digest mode refuses a blob URL whose digest is not valid (no silent fallback)', () => {
    expect(isBlobUrl('http://reg/v2/x/blobs/sha256:abc')).toBe(true)
    expect(() => blobDigestTaskId('http://reg/v2/x/blobs/sha256:abc')).toThrow(/invalid digest/)
    expect(() => blobDigestTaskId('http://reg/v2/x/blobs/md5:' + 'a'.repeat(32))).toThrow(/invalid digest/)
    expect(() => blobDigestTaskId('http://reg/v2/x/manifests/latest')).toThrow(/not an OCI blob URL/)
    expect(blobDigestTaskId('http://reg/v2/x/blobs/sha512:' + 'b'.repeat(128))).toBe('b'.repeat(128))
  })
})
