// Allure grouping: every chapter's tests under one epic, one feature per area of the guide.
import * as allure from 'allure-js-commons'

export type Feature =
  | 'preflight'
  | 'cluster'
  | 'dragonfly'
  | 'stargz'
  | 'image'
  | 'evidence'
  | 'back-to-source'
  | 'performance'
  | 'faults'
  | 'upgrade'

export async function labelChapter(feature: Feature): Promise<void> {
  await allure.epic('Dragonfly P2P + stargz lazy pulling')
  await allure.feature(feature)
}
