// What a node agent asks of whatever runs its pods, in the spirit of
// virtual-kubelet's PodLifecycleHandler plus its node provider. The agent owns
// every API call; a runtime only runs pods and reports what they are doing.
import type { KubeObject } from '../store/types.js';

/** A pod as the runtime sees it: the API object (spec, metadata, last known status). */
export type PodObject = KubeObject;

/** pod.status as Kubernetes defines it (the fields a runtime fills). */
export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  qosClass?: string;
  reason?: string;
  message?: string;
}

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | 'PodReadyToStartContainers';
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID?: string } };

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: Record<string, never> | ContainerState;
}

/** Something that happened to a pod, recorded as a core/v1 Event by the agent. */
export interface RuntimeEvent {
  reason: 'Pulling' | 'Pulled' | 'Created' | 'Started' | 'Killing' | 'BackOff';
  type: 'Normal' | 'Warning';
  message: string;
  /** spec.containers{name} / spec.initContainers{name}, as kubelet sets involvedObject.fieldPath. */
  fieldPath: string;
}

/** An image a node holds, for node.status.images (ImageLocality scores these). */
export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** Calls a runtime makes back into the agent when something changes. */
export interface RuntimeListener {
  /** The pod's status changed; read it with getPodStatus. */
  podStatusChanged(node: string, podKey: string): void;
  /** The pod's containers are stopped after a delete: the agent may confirm the final delete. */
  podStopped(node: string, podKey: string): void;
  event(node: string, podKey: string, event: RuntimeEvent): void;
  /** The node's image list changed. */
  imagesChanged(node: string): void;
}

/** Where a pod runs: its node, and the IP the agent allocated from the node's podCIDR. */
export interface PodPlacement {
  node: string;
  podIP: string;
  hostIP: string;
}

export interface ExecRequest {
  container: string;
  command: string[];
  stdin?: NodeJS.ReadableStream;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The runtime interface the agent drives. Keys are `namespace/name`.
 * Implementations: `simulated` (this issue), `process` (next).
 */
export interface Runtime {
  readonly name: string;
  /** Starts a pod (or, after an agent restart, adopts one whose status says it already runs). */
  createPod(pod: PodObject, placement: PodPlacement): void;
  /** Spec or annotation changes the runtime honours (e.g. readiness flips). */
  updatePod(pod: PodObject): void;
  /** Stops a pod within gracePeriodSeconds; podStopped follows. */
  deletePod(podKey: string, gracePeriodSeconds: number): void;
  /** Forgets a pod at once (the API object is gone). */
  forgetPod(podKey: string): void;
  getPodStatus(podKey: string): PodStatus | undefined;
  getContainerLogs(podKey: string, container: string, options?: { tailLines?: number }): Promise<string>;
  runInContainer(podKey: string, request: ExecRequest): Promise<ExecResult>;
  /** Opens a connection to a port of the pod; the simulated runtime has nothing listening. */
  portForward(podKey: string, port: number): Promise<NodeJS.ReadWriteStream>;
  nodeCapacity(node: string): Record<string, string>;
  nodeConditions(node: string): NodeCondition[];
  nodeImages(node: string): NodeImage[];
  /** Cancels every timer; no more callbacks afterwards. */
  close(): void;
}
