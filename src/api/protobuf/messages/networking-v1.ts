import type { GroupVersionSpec } from '../describe.js';

// `kubectl create ingress`.
// Field numbers are the wire format of k8s.io/api networking/v1; notation in ../describe.ts.
export const networkingV1: GroupVersionSpec = {
  apiVersion: 'networking.k8s.io/v1',
  kinds: ['Ingress'],
  messages: {
    Ingress: { metadata: [1, 'ObjectMeta'], spec: [2, 'IngressSpec'], status: [3, 'IngressStatus'] },
    IngressSpec: { ingressClassName: [4, 'string?'], defaultBackend: [1, 'IngressBackend'], tls: [2, 'IngressTLS[]'], rules: [3, 'IngressRule[]'] },
    IngressStatus: { loadBalancer: [1, 'IngressLoadBalancerStatus'] },
    IngressBackend: { service: [4, 'IngressServiceBackend'], resource: [3, 'TypedLocalObjectReference'] },
    IngressTLS: { hosts: [1, 'string[]'], secretName: [2, 'string'] },
    IngressRule: { host: [1, 'string'], '...ingressRuleValue': [2, 'IngressRuleValue'] },
    IngressLoadBalancerStatus: { ingress: [1, 'IngressLoadBalancerIngress[]'] },
    IngressServiceBackend: { name: [1, 'string!'], port: [2, 'ServiceBackendPort'] },
    IngressRuleValue: { http: [1, 'HTTPIngressRuleValue'] },
    IngressLoadBalancerIngress: { ip: [1, 'string'], hostname: [2, 'string'], ports: [4, 'IngressPortStatus[]'] },
    ServiceBackendPort: { name: [1, 'string'], number: [2, 'int32'] },
    HTTPIngressRuleValue: { paths: [1, 'HTTPIngressPath[]!'] },
    IngressPortStatus: { port: [1, 'int32!'], protocol: [2, 'string!'], error: [3, 'string?'] },
    HTTPIngressPath: { path: [1, 'string'], pathType: [3, 'string?!'], backend: [2, 'IngressBackend'] },
  },
};
