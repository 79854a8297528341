import type { GroupVersionSpec } from '../describe.js';

// `kubectl create token` (a TokenRequest POSTed to serviceaccounts/<name>/token) and `kubectl auth whoami`.
// Field numbers are the wire format of k8s.io/api authentication/v1; notation in ../describe.ts.
export const authenticationV1: GroupVersionSpec = {
  apiVersion: 'authentication.k8s.io/v1',
  kinds: ['TokenRequest', 'SelfSubjectReview'],
  messages: {
    TokenRequest: { metadata: [1, 'ObjectMeta'], spec: [2, 'TokenRequestSpec'], status: [3, 'TokenRequestStatus'] },
    SelfSubjectReview: { metadata: [1, 'ObjectMeta'], status: [2, 'SelfSubjectReviewStatus'] },
    TokenRequestSpec: {
      audiences: [1, 'string[]!'], expirationSeconds: [4, 'int64?!'], boundObjectRef: [3, 'BoundObjectReference!'], attestations: [5, 'map<string>'],
    },
    TokenRequestStatus: { token: [1, 'string!'], expirationTimestamp: [2, 'Time'] },
    SelfSubjectReviewStatus: { userInfo: [1, 'UserInfo'] },
    BoundObjectReference: { kind: [1, 'string'], apiVersion: [2, 'string'], name: [3, 'string'], uid: [4, 'string'] },
    UserInfo: { username: [1, 'string'], uid: [2, 'string'], groups: [3, 'string[]'], extra: [4, 'map<ExtraValue>'] },
  },
};
