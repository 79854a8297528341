import type { GroupVersionSpec } from '../describe.js';

// Leases (node heartbeats), whose times are MicroTime.
// Field numbers are the wire format of k8s.io/api coordination/v1; notation in ../describe.ts.
export const coordinationV1: GroupVersionSpec = {
  apiVersion: 'coordination.k8s.io/v1',
  kinds: ['Lease'],
  messages: {
    Lease: { metadata: [1, 'ObjectMeta'], spec: [2, 'LeaseSpec'] },
    LeaseSpec: {
      holderIdentity: [1, 'string?'], leaseDurationSeconds: [2, 'int32?'], acquireTime: [3, 'MicroTime'], renewTime: [4, 'MicroTime'],
      leaseTransitions: [5, 'int32?'], strategy: [6, 'string?'], preferredHolder: [7, 'string?'],
    },
  },
};
