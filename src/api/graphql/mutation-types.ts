/** SDL of the mutations (resolvers in mutations.ts). */
export const mutationTypeDefs = /* GraphQL */ `
  enum PatchType {
    "RFC 6902 JSON patch (application/json-patch+json)"
    JSON
    "RFC 7386 merge patch (application/merge-patch+json)"
    MERGE
    "Kubernetes strategic merge patch (application/strategic-merge-patch+json)"
    STRATEGIC
  }

  enum PropagationPolicy { Foreground Background Orphan }

  "A Kubernetes error as a value, for operations that report per-object outcomes."
  type KubeError { code: String!, status: Int!, message: String!, causes: JSON }

  type ApplyResult {
    apiVersion: String
    kind: String
    namespace: String
    name: String
    "created, configured or unchanged (as kubectl apply prints), or failed."
    action: String!
    object: KubeObject
    error: KubeError
  }

  type DeleteResult {
    object: KubeObject!
    "False when finalizers or a grace period keep the object for now."
    deleted: Boolean!
  }

  type DrainResult {
    node: Node!
    evicted: [Pod!]!
    "DaemonSet-managed and mirror pods, which drain leaves in place (kubectl drain --ignore-daemonsets)."
    skipped: [Pod!]!
  }

  type Mutation {
    "Creates or updates every object in a multi-document YAML or JSON stream (server-side apply where served)."
    apply(manifests: String!, namespace: String, fieldManager: String = "kubeql-graphql", force: Boolean = false, dryRun: Boolean = false): [ApplyResult!]!
    create(manifest: JSON!, namespace: String, dryRun: Boolean = false): KubeObject!
    "Replaces the object (PUT): metadata.resourceVersion in the manifest makes it conditional."
    replace(manifest: JSON!, namespace: String, dryRun: Boolean = false): KubeObject!
    patch(apiVersion: String!, kind: String!, namespace: String, name: String!, patch: JSON!, type: PatchType = STRATEGIC, dryRun: Boolean = false): KubeObject!
    delete(apiVersion: String!, kind: String!, namespace: String, name: String!, propagationPolicy: PropagationPolicy, gracePeriodSeconds: Int, dryRun: Boolean = false): DeleteResult!
    scale(apiVersion: String = "apps/v1", kind: String!, namespace: String!, name: String!, replicas: Int!): KubeObject!
    "Sets labels (a null value removes one). Changing an existing value needs overwrite, as in kubectl label."
    label(apiVersion: String!, kind: String!, namespace: String, name: String!, labels: JSON!, overwrite: Boolean = false): KubeObject!
    "Sets annotations (a null value removes one). Changing an existing value needs overwrite, as in kubectl annotate."
    annotate(apiVersion: String!, kind: String!, namespace: String, name: String!, annotations: JSON!, overwrite: Boolean = false): KubeObject!
    cordon(name: String!): Node!
    uncordon(name: String!): Node!
    taint(node: String!, key: String!, value: String, effect: String!, overwrite: Boolean = false): Node!
    "Removes the taints with this key (and effect, when given)."
    untaint(node: String!, key: String!, effect: String): Node!
    "Cordons the node and evicts its pods, honouring PodDisruptionBudgets."
    drain(node: String!, gracePeriodSeconds: Int): DrainResult!
    rolloutRestart(kind: String! = "Deployment", namespace: String!, name: String!): KubeObject!
    rolloutPause(namespace: String!, name: String!): Deployment!
    rolloutResume(namespace: String!, name: String!): Deployment!
    "Rolls a Deployment back to a revision (0: the previous one)."
    rolloutUndo(namespace: String!, name: String!, toRevision: Int = 0): Deployment!
  }
`;
