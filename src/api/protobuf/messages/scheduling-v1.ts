import type { GroupVersionSpec } from '../describe.js';

// `kubectl create priorityclass`.
// Field numbers are the wire format of k8s.io/api scheduling/v1; notation in ../describe.ts.
export const schedulingV1: GroupVersionSpec = {
  apiVersion: 'scheduling.k8s.io/v1',
  kinds: ['PriorityClass'],
  messages: {
    PriorityClass: {
      metadata: [1, 'ObjectMeta'], value: [2, 'int32!'], globalDefault: [3, 'bool'], description: [4, 'string'], preemptionPolicy: [5, 'string?'],
    },
  },
};
