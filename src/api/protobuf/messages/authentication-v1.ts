import type { GroupVersionSpec } from '../describe.js';

// `kubectl create token`: a TokenRequest POSTed to serviceaccounts/<name>/token.
// Field numbers are the wire format of k8s.io/api authentication/v1; notation in ../describe.ts.
export const authenticationV1: GroupVersionSpec = {
  apiVersion: 'authentication.k8s.io/v1',
  kinds: ['TokenRequest'],
  messages: {
    TokenRequest: { metadata: [1, 'ObjectMeta'], spec: [2, 'TokenRequestSpec'], status: [3, 'TokenRequestStatus'] },
    TokenRequestSpec: {
      audiences: [1, 'string[]!'], expirationSeconds: [4, 'int64?!'], boundObjectRef: [3, 'BoundObjectReference!'], attestations: [5, 'map<string>'],
    },
    TokenRequestStatus: { token: [1, 'string!'], expirationTimestamp: [2, 'Time'] },
    BoundObjectReference: { kind: [1, 'string'], apiVersion: [2, 'string'], name: [3, 'string'], uid: [4, 'string'] },
  },
};
