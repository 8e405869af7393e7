// What the conformance runner (helpers/run/conformance-main.ts) tells the vitest process it starts.
// Environment variables, because vitest.config.ts, the global setup and the workers all read them.

/** the run's id: summary.json carries it, so the runner knows the summary it reads is this run's */
export const RUN_ID_ENV = 'D7Y_RUN_ID'
/** the reports directory; when set, vitest writes JUnit and Allure results there (reporters.ts) */
export const RUN_REPORTS_ENV = 'D7Y_RUN_REPORTS'
/** what a deliberately filtered run selected (a file filter, -t), for the summary to say */
export const RUN_FILTER_ENV = 'D7Y_RUN_FILTER'
