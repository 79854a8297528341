// Keeps the active pods a ReplicaSet owns equal to spec.replicas (set-based selector).
import { defineController } from './runtime/define.js';
import { setBasedSelector, syncReplicas, type ReplicaKind } from './replica/sync.js';

const kind: ReplicaKind = { controller: 'replicaset', group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', selector: setBasedSelector };

export default defineController({
  name: 'replicaset',
  route: { name: 'replicaset', for: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet' }, owns: [{ group: '', resource: 'pods' }] },
  concurrency: 16,
  reconcile: (ctx) => syncReplicas(kind, ctx),
});
