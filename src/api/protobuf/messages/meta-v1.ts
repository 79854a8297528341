import type { GroupVersionSpec } from '../describe.js';

// Messages every group shares: ObjectMeta and what it nests, LabelSelector, metav1.Condition.
// Field numbers are the wire format of k8s.io/apimachinery meta/v1; notation in ../describe.ts.
export const metaV1: GroupVersionSpec = {
  apiVersion: '',
  kinds: [],
  messages: {
    ObjectMeta: {
      name: [1, 'string'], generateName: [2, 'string'], namespace: [3, 'string'], selfLink: [4, 'string'], uid: [5, 'string'],
      resourceVersion: [6, 'string'], generation: [7, 'int64'], creationTimestamp: [8, 'Time'], deletionTimestamp: [9, 'Time'],
      deletionGracePeriodSeconds: [10, 'int64?'], labels: [11, 'map<string>'], annotations: [12, 'map<string>'],
      ownerReferences: [13, 'OwnerReference[]'], finalizers: [14, 'string[]'], managedFields: [17, 'ManagedFieldsEntry[]'],
    },
    LabelSelector: { matchLabels: [1, 'map<string>'], matchExpressions: [2, 'LabelSelectorRequirement[]'] },
    Condition: {
      type: [1, 'string!'], status: [2, 'string!'], observedGeneration: [3, 'int64'], lastTransitionTime: [4, 'Time'], reason: [5, 'string!'],
      message: [6, 'string!'],
    },
    OwnerReference: {
      apiVersion: [5, 'string!'], kind: [1, 'string!'], name: [3, 'string!'], uid: [4, 'string!'], controller: [6, 'bool?'],
      blockOwnerDeletion: [7, 'bool?'],
    },
    ManagedFieldsEntry: {
      manager: [1, 'string'], operation: [2, 'string'], apiVersion: [3, 'string'], time: [4, 'Time'], fieldsType: [6, 'string'],
      fieldsV1: [7, 'FieldsV1'], subresource: [8, 'string'],
    },
    LabelSelectorRequirement: { key: [1, 'string!'], operator: [2, 'string!'], values: [3, 'string[]'] },
    FieldSelectorRequirement: { key: [1, 'string!'], operator: [2, 'string!'], values: [3, 'string[]'] },
  },
};
