import type { GroupVersionSpec } from '../describe.js';

// `kubectl create role|rolebinding|clusterrole|clusterrolebinding`.
// Field numbers are the wire format of k8s.io/api rbac/v1; notation in ../describe.ts.
export const rbacV1: GroupVersionSpec = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kinds: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  messages: {
    Role: { metadata: [1, 'ObjectMeta'], rules: [2, 'PolicyRule[]!'] },
    RoleBinding: { metadata: [1, 'ObjectMeta'], subjects: [2, 'Subject[]'], roleRef: [3, 'RoleRef'] },
    ClusterRole: { metadata: [1, 'ObjectMeta'], rules: [2, 'PolicyRule[]!'], aggregationRule: [3, 'AggregationRule'] },
    ClusterRoleBinding: { metadata: [1, 'ObjectMeta'], subjects: [2, 'Subject[]'], roleRef: [3, 'RoleRef'] },
    PolicyRule: {
      verbs: [1, 'string[]!'], apiGroups: [2, 'string[]'], resources: [3, 'string[]'], resourceNames: [4, 'string[]'], nonResourceURLs: [5, 'string[]'],
    },
    Subject: { kind: [1, 'string!'], apiGroup: [2, 'string'], name: [3, 'string!'], namespace: [4, 'string'] },
    RoleRef: { apiGroup: [1, 'string!'], kind: [2, 'string!'], name: [3, 'string!'] },
    AggregationRule: { clusterRoleSelectors: [1, 'LabelSelector[]'] },
  },
};
