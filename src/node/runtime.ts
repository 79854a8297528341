// What a node agent asks of whatever runs its pods, in the spirit of
// virtual-kubelet's PodLifecycleHandler plus its node provider. The agent owns
// every API call; a runtime only runs pods and reports what they are doing.
import type { Duplex, Readable } from 'node:stream';
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

/** What `kubectl logs` asks for, as kubelet's /containerLogs query parameters. */
export interface ContainerLogOptions {
  container: string;
  /** Keep the stream open and send lines as the container prints them. */
  follow?: boolean;
  /** Only the last N lines (before following). */
  tailLines?: number;
  /** Only lines printed at or after this instant (ms since the epoch); sinceSeconds is turned into this. */
  sinceTimeMs?: number;
  /** Prefix each line with its RFC 3339 time (nanosecond precision, as kubelet). */
  timestamps?: boolean;
  /** Stop after this many bytes. */
  limitBytes?: number;
  /** The previous (terminated) instance of the container. */
  previous?: boolean;
}

/** Terminal size sent on the resize channel. */
export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The streams of one exec or attach session. Absent streams were not asked
 * for by the client. `resize` emits a TerminalSize per 'resize' event.
 */
export interface ContainerStreams {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  tty: boolean;
  resize?: NodeJS.EventEmitter;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface ExecRequest {
  container: string;
  command: string[];
  streams: ContainerStreams;
}

export interface AttachRequest {
  container: string;
  streams: ContainerStreams;
}

/**
 * A failure a runtime reports to a caller of logs/exec/port-forward, with the
 * HTTP status kubelet would answer with and kubelet's wording.
 */
export class RuntimeStreamError extends Error {
  override readonly name = 'RuntimeStreamError';
  constructor(
    readonly code: 400 | 404 | 500,
    message: string,
  ) {
    super(message);
  }
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
  /**
   * A container's output as a byte stream; with `follow` it stays open until
   * the container stops or the stream is destroyed. Throws RuntimeStreamError.
   */
  getContainerLogs(podKey: string, options: ContainerLogOptions): Promise<Readable>;
  /** Runs a command in a running container; resolves with its exit code. Throws RuntimeStreamError. */
  runInContainer(podKey: string, request: ExecRequest): Promise<number>;
  /** Connects to the container's main process; resolves with an exit code when the session ends. */
  attach(podKey: string, request: AttachRequest): Promise<number>;
  /** A byte stream to a port of the pod (as kubelet dials localhost:port in its network namespace). */
  portForward(podKey: string, port: number): Promise<Duplex>;
  nodeCapacity(node: string): Record<string, string>;
  nodeConditions(node: string): NodeCondition[];
  nodeImages(node: string): NodeImage[];
  /** Cancels every timer; no more callbacks afterwards. */
  close(): void;
}
