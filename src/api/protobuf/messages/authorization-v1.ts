import type { GroupVersionSpec } from '../describe.js';

// `kubectl auth can-i` (and `--list`), which kubectl 1.32+ sends as protobuf.
// Field numbers are the wire format of k8s.io/api authorization/v1; notation in ../describe.ts.
export const authorizationV1: GroupVersionSpec = {
  apiVersion: 'authorization.k8s.io/v1',
  kinds: ['SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  messages: {
    SelfSubjectAccessReview: { metadata: [1, 'ObjectMeta'], spec: [2, 'SelfSubjectAccessReviewSpec'], status: [3, 'SubjectAccessReviewStatus'] },
    SelfSubjectRulesReview: { metadata: [1, 'ObjectMeta'], spec: [2, 'SelfSubjectRulesReviewSpec'], status: [3, 'SubjectRulesReviewStatus'] },
    SelfSubjectAccessReviewSpec: { resourceAttributes: [1, 'ResourceAttributes'], nonResourceAttributes: [2, 'NonResourceAttributes'] },
    SubjectAccessReviewStatus: { allowed: [1, 'bool!'], denied: [4, 'bool'], reason: [2, 'string'], evaluationError: [3, 'string'] },
    SelfSubjectRulesReviewSpec: { namespace: [1, 'string'] },
    SubjectRulesReviewStatus: {
      resourceRules: [1, 'ResourceRule[]!'], nonResourceRules: [2, 'NonResourceRule[]!'], incomplete: [3, 'bool!'], evaluationError: [4, 'string'],
    },
    ResourceAttributes: {
      namespace: [1, 'string'], verb: [2, 'string'], group: [3, 'string'], version: [4, 'string'], resource: [5, 'string'], subresource: [6, 'string'],
      name: [7, 'string'], fieldSelector: [8, 'FieldSelectorAttributes'], labelSelector: [9, 'LabelSelectorAttributes'],
    },
    NonResourceAttributes: { path: [1, 'string'], verb: [2, 'string'] },
    ResourceRule: { verbs: [1, 'string[]!'], apiGroups: [2, 'string[]'], resources: [3, 'string[]'], resourceNames: [4, 'string[]'] },
    NonResourceRule: { verbs: [1, 'string[]!'], nonResourceURLs: [2, 'string[]'] },
    FieldSelectorAttributes: { rawSelector: [1, 'string'], requirements: [2, 'FieldSelectorRequirement[]'] },
    LabelSelectorAttributes: { rawSelector: [1, 'string'], requirements: [2, 'LabelSelectorRequirement[]'] },
  },
};
