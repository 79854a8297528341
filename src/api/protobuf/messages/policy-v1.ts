import type { GroupVersionSpec } from '../describe.js';

// `kubectl create poddisruptionbudget`.
// Field numbers are the wire format of k8s.io/api policy/v1; notation in ../describe.ts.
export const policyV1: GroupVersionSpec = {
  apiVersion: 'policy/v1',
  kinds: ['PodDisruptionBudget'],
  messages: {
    PodDisruptionBudget: { metadata: [1, 'ObjectMeta'], spec: [2, 'PodDisruptionBudgetSpec'], status: [3, 'PodDisruptionBudgetStatus'] },
    PodDisruptionBudgetSpec: {
      minAvailable: [1, 'IntOrString'], selector: [2, 'LabelSelector'], maxUnavailable: [3, 'IntOrString'], unhealthyPodEvictionPolicy: [4, 'string?'],
    },
    PodDisruptionBudgetStatus: {
      observedGeneration: [1, 'int64'], disruptedPods: [2, 'map<Time>'], disruptionsAllowed: [3, 'int32!'], currentHealthy: [4, 'int32!'],
      desiredHealthy: [5, 'int32!'], expectedPods: [6, 'int32!'], conditions: [7, 'Condition[]'],
    },
  },
};
