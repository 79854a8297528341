// Child process for the two-processes test: a controller manager (dispatcher
// and replicaset worker) for one cluster under a given queue prefix, stopped
// cleanly on SIGTERM, printing how many reconciles it ran.
import replicaset from '../../src/controllers/replicaset.js';
import { testManager, testObjects } from './helpers.js';

const [cluster, prefix, consumer] = process.argv.slice(2) as [string, string, string];
const objects = testObjects();
// One reconcile at a time per process, so the two processes share the work.
const manager = testManager(objects, cluster, [{ ...replicaset, concurrency: 1 }], { prefix, consumer });
await manager.start();
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  void (async () => {
    await manager.stop();
    await objects.store.close();
    const reconciles = manager.metrics.snapshot().reduce((n, s) => n + s.reconciles, 0);
    process.stdout.write(`reconciles ${reconciles}\n`);
    process.exit(0);
  })();
});
