// Keeps the active pods a ReplicationController owns equal to spec.replicas (equality selector).
import { defineController } from './runtime/define.js';
import { equalitySelector, syncReplicas, type ReplicaKind } from './replica/sync.js';

const kind: ReplicaKind = { controller: 'replicationcontroller', group: '', resource: 'replicationcontrollers', kind: 'ReplicationController', selector: equalitySelector };

export default defineController({
  name: 'replicationcontroller',
  route: { name: 'replicationcontroller', for: { group: '', resource: 'replicationcontrollers', kind: 'ReplicationController' }, owns: [{ group: '', resource: 'pods' }] },
  concurrency: 8,
  reconcile: (ctx) => syncReplicas(kind, ctx),
});
