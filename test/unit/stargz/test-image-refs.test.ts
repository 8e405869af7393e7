// Which names a kind node's reset removes, on real `ctr images ls` output of a kind worker.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { imageRows, testImageRefs } from '../../../helpers/stargz/test-image-refs.ts'

const capture = (f: string) =>
  readFileSync(path.join(import.meta.dirname, '../../../fixtures/containerd', f), 'utf8')

describe('test image refs on a kind worker', () => {
  test('k8s.io: the Pods image under all three names, none of the cluster images', () => {
    const k8s = capture('ctr-images-ls-kind-k8s.io.txt')
    expect(imageRows(k8s)).toHaveLength(29)
    expect(testImageRefs(k8s)).toEqual([
      'd7y-stargz-registry:5000/conformance/python:1-esgz-fresh-1796471165',
      'd7y-stargz-registry:5000/conformance/python@sha256:bcdf9c2165b4a415960c9e860f5e1288831a2e38cd91855cd229fd325e42886a',
      // the CRI's image id ref: kept, it alone would hold the layer's snapshot mounted
      'sha256:c7346f90fd7ec55a94e5bce91e62ef5dd215000d5f04a70420674222ce671f45',
    ])
  })

  test('default: nerdctl keeps only the tag', () => {
    expect(testImageRefs(capture('ctr-images-ls-kind-default.txt'))).toEqual([
      'd7y-stargz-registry:5000/conformance/python:1-esgz-fresh-1796471159',
    ])
  })

  test('an empty namespace, and output that is not the table', () => {
    expect(testImageRefs('')).toEqual([])
    expect(() => testImageRefs('ctr: failed to dial\n')).toThrow(/not a 'ctr images ls' table/)
  })
})
