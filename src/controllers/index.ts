// Every controller the controller manager runs; one line each.
import type { ControllerDefinition } from './runtime/define.js';
import replicaset from './replicaset.js';
import replicationcontroller from './replicationcontroller.js';

export const controllers: readonly ControllerDefinition[] = [
  replicaset,
  replicationcontroller,
];
