// Every controller the controller manager runs; one line each.
import deployment from './deployment.js';
import endpoints from './endpoints.js';
import endpointslice from './endpointslice.js';
import garbageCollector from './garbage-collector.js';
import disruption from './disruption.js';
import namespace from './namespace.js';
import type { ControllerDefinition } from './runtime/define.js';
import replicaset from './replicaset.js';
import replicationcontroller from './replicationcontroller.js';
import resourcequota from './resourcequota.js';
import serviceaccount from './serviceaccount.js';

export const controllers: readonly ControllerDefinition[] = [
  deployment,
  replicaset,
  replicationcontroller,
  garbageCollector,
  namespace,
  serviceaccount,
  endpoints,
  endpointslice,
  resourcequota,
  disruption,
];
