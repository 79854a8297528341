// Child process for the outbox crash test: a dispatcher that dies (SIGKILL,
// no clean-up) after reading changes and before enqueueing them.
import { testDispatcher } from './helpers.js';

const [cluster, prefix, consumer] = process.argv.slice(2) as [string, string, string];
const dispatcher = testDispatcher({ prefix, consumer }, cluster, {
  beforeEnqueue: async (jobs) => {
    if (jobs.length > 0) {
      process.stdout.write('crashing\n');
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined);
    }
  },
});
await dispatcher.start();
process.stdout.write('started\n');
