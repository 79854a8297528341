// Who may call a node agent's kubelet API: only the API server.
//
// Why a shared secret published through the API rather than a TokenReview:
// the agent is a client of the API and nothing else (invariant 8), and the API
// has no TokenReview of its own yet. So at start the agent makes a random
// credential, stores it in a Secret in kube-system of its cluster (written with
// its node credential, over the same authenticated channel it uses for
// everything), and names that Secret on each of its Nodes. The API reads the
// Secret when it proxies to the node and presents the credential as a bearer
// token; the agent compares it in constant time. It never leaves the cluster
// (tenancy holds), changes on every agent start, and whoever can read it can
// already exec into every pod of that cluster through the API.
import crypto from 'node:crypto';
import { ApiStatusError, type ApiClient } from '../api-client.js';
import type { KubeObject } from '../../store/types.js';

export const CREDENTIAL_NAMESPACE = 'kube-system';
/** Node annotation naming the Secret (in kube-system) whose `token` the API presents. */
export const CREDENTIAL_ANNOTATION = 'kubeql.io/kubelet-credential';
/** Node annotation with the address the API reaches the node's kubelet API at. */
export const ADDRESS_ANNOTATION = 'kubeql.io/kubelet-address';

export function credentialSecretName(namePrefix: string): string {
  return `kubeql-kubelet-${namePrefix}`;
}

export class KubeletCredential {
  private readonly digest: Buffer;

  constructor(readonly token: string = crypto.randomBytes(32).toString('base64url')) {
    this.digest = crypto.createHash('sha256').update(token).digest();
  }

  /** True when the Authorization header carries this credential. */
  verify(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match?.[1] === undefined) return false;
    // Hashes have equal length, so timingSafeEqual never throws and nothing leaks the length.
    return crypto.timingSafeEqual(crypto.createHash('sha256').update(match[1]).digest(), this.digest);
  }

  /**
   * Writes the Secret the API reads (created, or replaced on a restart): the
   * token, and the certificate the API verifies the kubelet API with when it serves HTTPS.
   */
  async publish(client: ApiClient, secretName: string, caPem?: string): Promise<void> {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: CREDENTIAL_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'kubeql-node-agent' } },
      type: 'Opaque',
      data: { token: Buffer.from(this.token).toString('base64'), ...(caPem ? { 'ca.crt': Buffer.from(caPem).toString('base64') } : {}) },
    } as KubeObject;
    const path = `/api/v1/namespaces/${CREDENTIAL_NAMESPACE}/secrets`;
    try {
      await client.post(path, secret);
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.reason === 'AlreadyExists')) throw err;
      // Replaced whole (a restart without TLS drops an old ca.crt), at the version just read.
      const current = await client.get(`${path}/${secretName}`);
      await client.put(`${path}/${secretName}`, { ...secret, metadata: { ...secret.metadata, resourceVersion: current.metadata.resourceVersion } });
    }
  }
}
