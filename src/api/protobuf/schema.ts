// Every group version kubeql decodes protobuf bodies for: the kinds of the
// `kubectl create` generators (issue #10), and those other kubectl 1.32+
// commands send as protobuf (autoscale, auth can-i/whoami, certificate
// approve/deny, debug's Pod), plus Lease. Adding a kind: write
// its messages in its group's file under messages/ and name it in `kinds`
// (a new group version is one more file and one more entry here).
import { compileSchema, type CompiledSchema, type GroupVersionSpec } from './describe.js';
import { appsV1 } from './messages/apps-v1.js';
import { authenticationV1 } from './messages/authentication-v1.js';
import { authorizationV1 } from './messages/authorization-v1.js';
import { autoscalingV1 } from './messages/autoscaling-v1.js';
import { autoscalingV2 } from './messages/autoscaling-v2.js';
import { batchV1 } from './messages/batch-v1.js';
import { certificatesV1 } from './messages/certificates-v1.js';
import { coordinationV1 } from './messages/coordination-v1.js';
import { coreV1 } from './messages/core-v1.js';
import { metaV1 } from './messages/meta-v1.js';
import { networkingV1 } from './messages/networking-v1.js';
import { policyV1 } from './messages/policy-v1.js';
import { rbacV1 } from './messages/rbac-v1.js';
import { schedulingV1 } from './messages/scheduling-v1.js';

export const GROUP_VERSIONS: readonly GroupVersionSpec[] = [
  metaV1,
  coreV1,
  appsV1,
  batchV1,
  networkingV1,
  policyV1,
  schedulingV1,
  rbacV1,
  authenticationV1,
  authorizationV1,
  autoscalingV1,
  autoscalingV2,
  certificatesV1,
  coordinationV1,
];

let compiled: CompiledSchema | undefined;

/** The compiled schema, built on first use (processes that never decode protobuf skip the cost). */
export function kubernetesSchema(): CompiledSchema {
  compiled ??= compileSchema(GROUP_VERSIONS);
  return compiled;
}
