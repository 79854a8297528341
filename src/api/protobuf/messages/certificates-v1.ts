import type { GroupVersionSpec } from '../describe.js';

// `kubectl certificate approve|deny`: kubectl 1.32+ PUTs the CertificateSigningRequest to /approval as protobuf.
// Field numbers are the wire format of k8s.io/api certificates/v1; notation in ../describe.ts.
export const certificatesV1: GroupVersionSpec = {
  apiVersion: 'certificates.k8s.io/v1',
  kinds: ['CertificateSigningRequest'],
  messages: {
    CertificateSigningRequest: {
      metadata: [1, 'ObjectMeta'], spec: [2, 'CertificateSigningRequestSpec'], status: [3, 'CertificateSigningRequestStatus'],
    },
    CertificateSigningRequestSpec: {
      request: [1, 'bytes!'], signerName: [7, 'string!'], expirationSeconds: [8, 'int32?'], usages: [5, 'string[]'], username: [2, 'string'],
      uid: [3, 'string'], groups: [4, 'string[]'], extra: [6, 'map<ExtraValue>'],
    },
    CertificateSigningRequestStatus: { conditions: [1, 'CertificateSigningRequestCondition[]'], certificate: [2, 'bytes'] },
    CertificateSigningRequestCondition: {
      type: [1, 'string!'], status: [6, 'string!'], reason: [2, 'string'], message: [3, 'string'], lastUpdateTime: [4, 'Time'],
      lastTransitionTime: [5, 'Time'],
    },
  },
};
