// npm run report: builds reports/allure-report/index.html from reports/allure-results.
import { loadConfig } from '../run/config.ts'
import { buildAllureHtml } from './allure-html.ts'

try {
  const index = await buildAllureHtml(loadConfig())
  console.log(`report: ${index}`)
} catch (error) {
  console.error(`report: ${(error as Error).message}`)
  process.exitCode = 1
}
