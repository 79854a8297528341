import type { GroupVersionSpec } from '../describe.js';

// `kubectl autoscale` of kubectl 1.32 (1.33 sends autoscaling/v2). Names shared with v2 end in V1.
// Field numbers are the wire format of k8s.io/api autoscaling/v1; notation in ../describe.ts.
export const autoscalingV1: GroupVersionSpec = {
  apiVersion: 'autoscaling/v1',
  kinds: [['HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV1']],
  messages: {
    HorizontalPodAutoscalerV1: {
      metadata: [1, 'ObjectMeta'], spec: [2, 'HorizontalPodAutoscalerSpecV1'], status: [3, 'HorizontalPodAutoscalerStatusV1'],
    },
    HorizontalPodAutoscalerSpecV1: {
      scaleTargetRef: [1, 'CrossVersionObjectReferenceV1'], minReplicas: [2, 'int32?'], maxReplicas: [3, 'int32!'],
      targetCPUUtilizationPercentage: [4, 'int32?'],
    },
    HorizontalPodAutoscalerStatusV1: {
      observedGeneration: [1, 'int64?'], lastScaleTime: [2, 'Time'], currentReplicas: [3, 'int32!'], desiredReplicas: [4, 'int32!'],
      currentCPUUtilizationPercentage: [5, 'int32?'],
    },
    CrossVersionObjectReferenceV1: { kind: [1, 'string!'], name: [2, 'string!'], apiVersion: [3, 'string'] },
  },
};
