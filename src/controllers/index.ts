// Every controller the controller manager runs; one line each.
import deployment from './deployment.js';
import type { ControllerDefinition } from './runtime/define.js';
import replicaset from './replicaset.js';
import replicationcontroller from './replicationcontroller.js';

export const controllers: readonly ControllerDefinition[] = [
  deployment,
  replicaset,
  replicationcontroller,
];
