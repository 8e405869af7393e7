import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { reportersFor } from './helpers/run/reporters.ts'

// The conformance chapters build on each other (cluster before Dragonfly before stargz ...),
// and vitest's default sequencer reorders files by size and history. Sort them by name instead.
class ByFileName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId))
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: ByFileName },
    // JUnit and Allure only for the conformance runner's run (helpers/run/reporters.ts says why).
    reporters: reportersFor(process.env),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // The single-file Allure report in headless Chromium (npm run test:report builds it first).
          name: 'report',
          include: ['test/report/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['suites/**/*.e2e.ts'],
          // One chapter at a time, sharing one module graph so the run context survives between files.
          fileParallelism: false,
          isolate: false,
          maxWorkers: 1,
          // No bail: a chapter whose prerequisites are missing skips itself (run state `requires`),
          // so a failure later in the flow still leaves every independent check's evidence.
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000,
          globalSetup: ['suites/global-setup.ts'],
        },
      },
    ],
  },
})
