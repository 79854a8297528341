// The Node authorizer for node agent credentials (system:node-agent:<id>,
// src/auth/node-agents.ts). kubeql has no request authorizer yet (RBAC objects
// are stored, not enforced; every other credential of a cluster is its admin),
// so this is the first one, and it runs where every write passes whatever
// door it came through: the object service's admission chain (REST verbs, the
// leaserenewals and podstatuses batches item by item, GraphQL mutations,
// evictions). There it sees both the stored and the new object, which the
// upstream pair needs two plugins for (the Node authorizer's graph for "is
// this pod bound to me", NodeRestriction for "may I set this label").
//
// Reads are allowed broadly: a kubelet reads its pods, nodes, services,
// endpoints, configmaps and secrets; kubeql does not narrow reads to the
// objects its pods reference (upstream's graph), and says so here.
//
// An agent may write:
// - Nodes it owns (label kubeql.io/node-agent=<id>, stamped by this plugin on
//   create; the agent can neither change nor drop it), their status, their deletion;
// - Leases in kube-node-lease named after a node it owns;
// - status and final deletion of pods bound to a node it owns (no pod creation: no mirror pods);
// - Events anywhere;
// - its kubelet-API credential Secret (kube-system/kubeql-kubelet-<id>, src/node/server/credential.ts).
import { agentIdOf, NODE_AGENT_LABEL } from '../../auth/node-agents.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../objects/admission.js';
import { informerFor } from '../../objects/informer.js';
import type { Store } from '../../store/store.js';
import type { KubeObject } from '../../store/types.js';
import { CREDENTIAL_NAMESPACE, credentialSecretName } from '../../node/server/credential.js';
import { forbidden } from '../errors.js';
import { forbiddenMessage } from './messages.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const VERBS = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' } as const;

const ownerOf = (node: KubeObject | null | undefined): string | undefined => node?.metadata.labels?.[NODE_AGENT_LABEL];

/**
 * A Node registered before agents had credentials of their own carries no
 * owner label; the agent whose id is its name prefix (`<id>-<n>`, how agents
 * name their nodes) adopts it on its next write, so an existing data
 * directory keeps working after an upgrade. Nodes with an owner never move.
 */
const adoptable = (node: KubeObject | null | undefined, agentId: string, name: string): boolean =>
  node !== undefined && node !== null && ownerOf(node) === undefined && name.startsWith(`${agentId}-`) && /^\d+$/.test(name.slice(agentId.length + 1));
const nodeNameOf = (pod: KubeObject | undefined): string => (pod?.spec as { nodeName?: unknown } | undefined)?.nodeName as string | undefined ?? '';

export function nodeAuthorizer(store: Store): AdmissionPlugin {
  const nodes = informerFor(store, '', 'nodes');
  // The cache answers the common case (1,000 lease renewals a period); a node
  // it does not show as ours (registered a moment ago) is read from the store before refusing.
  const owns = async (cluster: string, agentId: string, nodeName: string): Promise<boolean> => {
    if (nodeName === '') return false;
    if (ownerOf(await nodes.get(cluster, '', nodeName)) === agentId) return true;
    return ownerOf(await store.get({ cluster, group: '', resource: 'nodes', namespace: '', name: nodeName })) === agentId;
  };

  const refuse = (a: AdmissionAttributes, reason: string): never => {
    const target = { verb: VERBS[a.operation], group: a.resource.group, resource: a.resource.resource, subresource: a.subresource, namespace: a.namespace, name: a.name };
    throw forbidden(forbiddenMessage(a.requester.username, target, reason), { name: a.name, kind: a.resource.resource, ...(a.resource.group ? { group: a.resource.group } : {}) });
  };

  return {
    name: 'NodeAuthorizer',
    mutate(a) {
      const agentId = agentIdOf(a.requester);
      if (agentId === undefined || a.resource.group !== '' || a.resource.resource !== 'nodes' || a.object === undefined) return;
      const labels = (a.object.metadata.labels ??= {});
      // Registration names the owner; later writes keep the stored owner unless they try to change it (refused below).
      if (a.operation === 'CREATE') labels[NODE_AGENT_LABEL] = agentId;
      else if (labels[NODE_AGENT_LABEL] === undefined) {
        const stored = ownerOf(a.oldObject);
        if (stored !== undefined) labels[NODE_AGENT_LABEL] = stored;
        else if (adoptable(a.oldObject, agentId, a.name)) labels[NODE_AGENT_LABEL] = agentId;
      }
    },
    async validate(a) {
      const agentId = agentIdOf(a.requester);
      if (agentId === undefined) return;
      const { group, resource } = a.resource;
      if (group === '' && resource === 'nodes') {
        if (a.operation !== 'CREATE' && ownerOf(a.oldObject) !== agentId && !adoptable(a.oldObject, agentId, a.name)) refuse(a, `node '${a.name}' is not owned by this agent`);
        if (a.object !== undefined && ownerOf(a.object) !== agentId) refuse(a, `node agents may not change the ${NODE_AGENT_LABEL} label`);
        return;
      }
      if (group === 'coordination.k8s.io' && resource === 'leases') {
        if (a.namespace !== NODE_LEASE_NAMESPACE) refuse(a, `node agents may only write leases in the ${NODE_LEASE_NAMESPACE} namespace`);
        if (!(await owns(a.cluster, agentId, a.name))) refuse(a, `can only access node leases of nodes owned by this agent`);
        return;
      }
      if (group === '' && resource === 'pods') {
        if (a.operation === 'CREATE') refuse(a, 'node agents may not create pods');
        if (a.operation === 'UPDATE' && a.subresource !== 'status') refuse(a, `node agents may only update the status of pods`);
        const nodeName = nodeNameOf(a.oldObject);
        if (!(await owns(a.cluster, agentId, nodeName))) {
          refuse(a, nodeName === '' ? 'the pod is not bound to a node' : `no relationship found between node agent '${agentId}' and this object`);
        }
        return;
      }
      if ((group === '' || group === 'events.k8s.io') && resource === 'events') return;
      if (group === '' && resource === 'secrets' && a.namespace === CREDENTIAL_NAMESPACE && a.name === credentialSecretName(agentId) && a.subresource === '') return;
      refuse(a, 'node agents may not write this resource');
    },
  };
}
