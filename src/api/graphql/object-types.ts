import { TYPED_KINDS } from './kinds.js';

// Fields every object type has (the KubeObject interface).
const COMMON = /* GraphQL */ `
    apiVersion: String!
    kind: String!
    metadata: ObjectMeta!
    "The whole object as the REST API serves it (Secret values withheld)."
    raw: JSON!
    "Events whose involvedObject is this object, oldest first."
    events: [Event!]!
`;

const connectionArgs = 'labelSelector: String, fieldSelector: String, first: Int, after: String';

function rootFields(): string {
  return TYPED_KINDS.map((k) => {
    const ns = k.namespaced ? 'namespace: String!, ' : '';
    const listNs = k.namespaced ? 'namespace: String, ' : '';
    return `    ${k.single}(${ns}name: String!): ${k.typeName}\n    ${k.plural}(${listNs}${connectionArgs}): ${k.typeName}Connection!`;
  }).join('\n');
}

function connectionTypes(): string {
  return [...TYPED_KINDS.map((k) => k.typeName), 'KubeObject']
    .map(
      (t) => `
  type ${t}Edge { cursor: String!, node: ${t}! }
  type ${t}Connection {
    edges: [${t}Edge!]!
    nodes: [${t}!]!
    pageInfo: PageInfo!
    "Objects matching the query in all pages."
    totalCount: Int!
    "The list's resourceVersion: a watch from it misses nothing."
    resourceVersion: String!
  }`,
    )
    .join('\n');
}

/** SDL of the object types, their connections and the read queries. */
export const objectTypeDefs = /* GraphQL */ `
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type OwnerReference { apiVersion: String!, kind: String!, name: String!, uid: String!, controller: Boolean }

  type ObjectMeta {
    name: String
    generateName: String
    namespace: String
    uid: String
    resourceVersion: String
    generation: Int
    creationTimestamp: String
    deletionTimestamp: String
    labels: JSON!
    annotations: JSON!
    ownerReferences: [OwnerReference!]!
    finalizers: [String!]!
  }

  type ObjectReference { apiVersion: String, kind: String, namespace: String, name: String, uid: String, fieldPath: String }

  type Condition { type: String!, status: String!, reason: String, message: String, lastTransitionTime: String, lastUpdateTime: String, lastHeartbeatTime: String }

  type LabelSelector { matchLabels: JSON, matchExpressions: JSON }

  "One resource and its amount: a quantity as Kubernetes prints it, and its value in base units."
  type ResourceAmount { resource: String!, quantity: String!, value: Float! }

  type ResourceRequirements { requests: JSON, limits: JSON }
  type ContainerPort { name: String, containerPort: Int!, protocol: String, hostPort: Int }
  type Container { name: String!, image: String, command: [String!], args: [String!], ports: [ContainerPort!], resources: ResourceRequirements, env: JSON, imagePullPolicy: String }

  "A container state flattened: state is waiting, running, terminated or unknown."
  type ContainerState { state: String!, reason: String, message: String, startedAt: String, finishedAt: String, exitCode: Int }
  type ContainerStatus { name: String!, ready: Boolean!, restartCount: Int!, image: String, imageID: String, containerID: String, started: Boolean, state: ContainerState!, lastState: ContainerState }

  "A container of a pod with its status."
  type PodContainer { name: String!, image: String, init: Boolean!, resources: ResourceRequirements, ports: [ContainerPort!], ready: Boolean!, restartCount: Int!, state: ContainerState, status: ContainerStatus }

  type Toleration { key: String, operator: String, value: String, effect: String, tolerationSeconds: Int }
  type PodSpec { nodeName: String, restartPolicy: String, serviceAccountName: String, schedulerName: String, priority: Int, priorityClassName: String, hostNetwork: Boolean, nodeSelector: JSON, tolerations: [Toleration!], containers: [Container!]!, initContainers: [Container!] }
  type PodStatus { phase: String, podIP: String, hostIP: String, startTime: String, reason: String, message: String, qosClass: String, nominatedNodeName: String, conditions: [Condition!], containerStatuses: [ContainerStatus!], initContainerStatuses: [ContainerStatus!] }
  type PodTemplate { metadata: ObjectMeta, spec: PodSpec }

  interface KubeObject {
${COMMON}
  }

  "An object of a kind without a typed schema: read its fields from raw."
  type GenericObject implements KubeObject {
${COMMON}
  }

  type Namespace implements KubeObject {
${COMMON}
    status: NamespaceStatus
    resourceQuotas: [ResourceQuota!]!
    "Quota usage summed over the namespace's ResourceQuotas (the tightest hard limit per resource)."
    usage: [QuotaUsage!]!
  }
  type NamespaceStatus { phase: String }

  type Taint { key: String!, value: String, effect: String!, timeAdded: String }
  type NodeAddress { type: String!, address: String! }
  type NodeSpec { unschedulable: Boolean, taints: [Taint!], podCIDR: String, providerID: String }
  type NodeStatus { capacity: JSON, allocatable: JSON, conditions: [Condition!], addresses: [NodeAddress!], nodeInfo: JSON }
  type Node implements KubeObject {
${COMMON}
    spec: NodeSpec
    status: NodeStatus
    "Whether the Ready condition is True."
    ready: Boolean!
    unschedulable: Boolean!
    pods: [Pod!]!
    "status.allocatable (capacity when unset)."
    allocatable: [ResourceAmount!]!
    "Requests of the pods bound to the node that have not finished, summed as the scheduler does."
    allocated: [ResourceAmount!]!
  }

  type Pod implements KubeObject {
${COMMON}
    spec: PodSpec
    status: PodStatus
    containers: [PodContainer!]!
    node: Node
    "The controller owner (or first owner) of the pod."
    owner: KubeObject
    restarts: Int!
  }

  type DeploymentSpec { replicas: Int, selector: LabelSelector, paused: Boolean, strategy: JSON, minReadySeconds: Int, revisionHistoryLimit: Int, progressDeadlineSeconds: Int, template: PodTemplate }
  type DeploymentStatus { replicas: Int, readyReplicas: Int, availableReplicas: Int, updatedReplicas: Int, unavailableReplicas: Int, observedGeneration: Int, conditions: [Condition!] }
  type Deployment implements KubeObject {
${COMMON}
    spec: DeploymentSpec
    status: DeploymentStatus
    replicaSets: [ReplicaSet!]!
    pods: [Pod!]!
  }

  type ReplicaSetSpec { replicas: Int, selector: LabelSelector, minReadySeconds: Int, template: PodTemplate }
  type ReplicaSetStatus { replicas: Int, readyReplicas: Int, availableReplicas: Int, fullyLabeledReplicas: Int, observedGeneration: Int, conditions: [Condition!] }
  type ReplicaSet implements KubeObject {
${COMMON}
    spec: ReplicaSetSpec
    status: ReplicaSetStatus
    "deployment.kubernetes.io/revision"
    revision: Int
    pods: [Pod!]!
    owner: KubeObject
  }

  type StatefulSetSpec { replicas: Int, serviceName: String, selector: LabelSelector, podManagementPolicy: String, updateStrategy: JSON, template: PodTemplate }
  type StatefulSetStatus { replicas: Int, readyReplicas: Int, currentReplicas: Int, updatedReplicas: Int, availableReplicas: Int, currentRevision: String, updateRevision: String, observedGeneration: Int, conditions: [Condition!] }
  type StatefulSet implements KubeObject {
${COMMON}
    spec: StatefulSetSpec
    status: StatefulSetStatus
    pods: [Pod!]!
  }

  type DaemonSetSpec { selector: LabelSelector, updateStrategy: JSON, minReadySeconds: Int, template: PodTemplate }
  type DaemonSetStatus { desiredNumberScheduled: Int, currentNumberScheduled: Int, numberReady: Int, numberAvailable: Int, numberUnavailable: Int, updatedNumberScheduled: Int, numberMisscheduled: Int, observedGeneration: Int, conditions: [Condition!] }
  type DaemonSet implements KubeObject {
${COMMON}
    spec: DaemonSetSpec
    status: DaemonSetStatus
    pods: [Pod!]!
  }

  type JobSpec { parallelism: Int, completions: Int, backoffLimit: Int, activeDeadlineSeconds: Int, suspend: Boolean, completionMode: String, template: PodTemplate }
  type JobStatus { active: Int, succeeded: Int, failed: Int, ready: Int, startTime: String, completionTime: String, conditions: [Condition!] }
  type Job implements KubeObject {
${COMMON}
    spec: JobSpec
    status: JobStatus
    pods: [Pod!]!
    owner: KubeObject
  }

  type CronJobSpec { schedule: String!, timeZone: String, suspend: Boolean, concurrencyPolicy: String, startingDeadlineSeconds: Int, successfulJobsHistoryLimit: Int, failedJobsHistoryLimit: Int }
  type CronJobStatus { lastScheduleTime: String, lastSuccessfulTime: String, active: [ObjectReference!] }
  type CronJob implements KubeObject {
${COMMON}
    spec: CronJobSpec
    status: CronJobStatus
    jobs: [Job!]!
  }

  type ServicePort { name: String, port: Int!, targetPort: JSON, nodePort: Int, protocol: String, appProtocol: String }
  type ServiceSpec { type: String, clusterIP: String, clusterIPs: [String!], externalIPs: [String!], externalName: String, ports: [ServicePort!], selector: JSON, sessionAffinity: String, loadBalancerIP: String }
  type Service implements KubeObject {
${COMMON}
    spec: ServiceSpec
    status: JSON
    "The Endpoints object of the same name."
    endpoints: Endpoints
    "Pods in the namespace matching spec.selector (none for a service without one)."
    pods: [Pod!]!
  }

  type EndpointAddress { ip: String!, hostname: String, nodeName: String, targetRef: ObjectReference }
  type EndpointPort { name: String, port: Int!, protocol: String, appProtocol: String }
  type EndpointSubset { addresses: [EndpointAddress!], notReadyAddresses: [EndpointAddress!], ports: [EndpointPort!] }
  type Endpoints implements KubeObject {
${COMMON}
    subsets: [EndpointSubset!]!
  }

  type IngressSpec { ingressClassName: String, rules: JSON, tls: JSON, defaultBackend: JSON }
  type Ingress implements KubeObject {
${COMMON}
    spec: IngressSpec
    status: JSON
    hosts: [String!]!
  }

  type ConfigMap implements KubeObject {
${COMMON}
    data: JSON!
    binaryDataKeys: [String!]!
    immutable: Boolean
  }

  type Secret implements KubeObject {
${COMMON}
    type: String
    "Names of the keys in data; their values are withheld unless asked for with data(reveal: true)."
    keys: [String!]!
    "data (base64 values, as stored) only when reveal is true; null otherwise."
    data(reveal: Boolean! = false): JSON
    immutable: Boolean
  }

  type PersistentVolumeSpec { capacity: JSON, accessModes: [String!], persistentVolumeReclaimPolicy: String, storageClassName: String, volumeMode: String, claimRef: ObjectReference, mountOptions: [String!] }
  type PersistentVolumeStatus { phase: String, reason: String, message: String }
  type PersistentVolume implements KubeObject {
${COMMON}
    spec: PersistentVolumeSpec
    status: PersistentVolumeStatus
    claim: PersistentVolumeClaim
  }

  type PersistentVolumeClaimSpec { accessModes: [String!], storageClassName: String, volumeName: String, volumeMode: String, resources: ResourceRequirements }
  type PersistentVolumeClaimStatus { phase: String, capacity: JSON, accessModes: [String!], conditions: [Condition!] }
  type PersistentVolumeClaim implements KubeObject {
${COMMON}
    spec: PersistentVolumeClaimSpec
    status: PersistentVolumeClaimStatus
    volume: PersistentVolume
  }

  type QuotaUsage { resource: String!, hard: String!, used: String! }
  type ResourceQuotaSpec { hard: JSON, scopes: [String!] }
  type ResourceQuotaStatus { hard: JSON, used: JSON }
  type ResourceQuota implements KubeObject {
${COMMON}
    spec: ResourceQuotaSpec
    status: ResourceQuotaStatus
    usage: [QuotaUsage!]!
  }

  type EventSource { component: String, host: String }
  type Event implements KubeObject {
${COMMON}
    type: String
    reason: String
    message: String
    count: Int
    firstTimestamp: String
    lastTimestamp: String
    eventTime: String
    involvedObject: ObjectReference
    source: EventSource
    reportingComponent: String
    reportingInstance: String
  }
${connectionTypes()}

  extend type Query {
${rootFields()}
    "Any served kind, typed where a type exists (use fragments), GenericObject otherwise."
    resource(apiVersion: String!, kind: String!, namespace: String, name: String!): KubeObject
    "Lists any served kind. namespace unset or empty lists every namespace."
    resources(apiVersion: String!, kind: String!, namespace: String, ${connectionArgs}): KubeObjectConnection!
  }
`;
