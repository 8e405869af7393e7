// The profile's teardown from a blocking child process: the Ctrl-C path (suites/global-setup.ts)
// cannot await anything in vitest's process once a signal has arrived, and a cluster the suite did
// not create must still get its nodes put back.
//   npx tsx helpers/run/teardown-main.ts <run id>
import { loadConfig } from './config.ts'
import { profileFor } from '../profiles/profile-for.ts'

const removed = await (await profileFor(loadConfig())).teardown(process.argv[2] ?? 'adhoc')
console.log(`teardown: removed ${removed.length ? removed.join(', ') : 'nothing'}`)
