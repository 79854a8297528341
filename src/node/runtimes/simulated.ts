// The `simulated` runtime: no processes. Pods walk through the lifecycle a
// kubelet reports (image pulls, init containers one by one, containers
// created and started, optional completion, graceful stop) on timers, like
// KWOK. Pure state and timers, so tests drive it with a ManualClock.
import crypto from 'node:crypto';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { rfc3339, systemClock, type Clock } from '../clock.js';
import { formatPod, goDuration, RestartBackoff } from './restart-backoff.js';
import type {
  AttachRequest, ContainerLogOptions, ContainerStatus, ExecRequest, NodeCondition, NodeImage, PodCondition, PodObject, PodPlacement, PodStatus, Runtime, RuntimeListener,
} from '../runtime.js';
import { RuntimeStreamError } from '../runtime.js';
import { openContainerLog } from './simulated-logs.js';
import { containerArgv, containerEnv, planCommand, runSimulatedCommand, type CommandPlan } from './simulated-shell.js';

/** Annotations a pod can carry to steer its simulation. */
export const ANNOTATIONS = {
  /** Seconds the containers run before exiting; restartPolicy then decides (Never: the pod ends, OnFailure: restarted on a non-zero exit, Always: restarted). */
  runSeconds: 'sim.kubeql.io/run-seconds',
  /** Exit code they exit with: 0 ends Succeeded, anything else Failed. @defaultValue 0 */
  exitCode: 'sim.kubeql.io/exit-code',
  /** "false" makes the containers not ready (readiness probe failing); flip it back any time. */
  ready: 'sim.kubeql.io/ready',
  /** Seconds the containers take to stop after SIGTERM, capped by the grace period. @defaultValue 0 */
  stopSeconds: 'sim.kubeql.io/stop-seconds',
} as const;

export interface SimulatedTimings {
  /** Pulling one image that is not on the node yet. @defaultValue 200 */
  pullMs: number;
  /** Creating and starting a container. @defaultValue 100 */
  startMs: number;
  /** How long each init container runs before exiting 0. @defaultValue 100 */
  initRunMs: number;
  /** First back-off before restarting a container that exited again (kubelet: 10 s, doubling). @defaultValue 10000 */
  restartBackoffBaseMs: number;
  /** Longest restart back-off (kubelet's MaxContainerBackOff). @defaultValue 300000 */
  restartBackoffMaxMs: number;
}

export const DEFAULT_TIMINGS: SimulatedTimings = { pullMs: 200, startMs: 100, initRunMs: 100, restartBackoffBaseMs: 10_000, restartBackoffMaxMs: 300_000 };

export interface SimulatedRuntimeOptions {
  listener: RuntimeListener;
  clock?: Clock;
  timings?: Partial<SimulatedTimings>;
  /** Node capacity; the defaults are a 4-CPU, 16Gi, 110-pod machine. */
  capacity?: Record<string, string>;
}

export const DEFAULT_CAPACITY: Record<string, string> = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

interface Container {
  name: string;
  image: string;
}

interface SimPod {
  key: string;
  placement: PodPlacement;
  pod: PodObject;
  status: PodStatus;
  timers: Set<unknown>;
  stopping: boolean;
  logs: string[];
}

const sha = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

function containersOf(pod: PodObject, field: 'containers' | 'initContainers'): Container[] {
  const list = ((pod.spec ?? {}) as Record<string, unknown>)[field];
  if (!Array.isArray(list)) return [];
  return list.map((c: { name?: unknown; image?: unknown }) => ({ name: String(c.name ?? ''), image: String(c.image ?? '') }));
}

const annotation = (pod: PodObject, name: string): string | undefined => pod.metadata.annotations?.[name];

/** The longest run a timer can wait for (setTimeout's limit); a longer command is treated as never exiting. */
const MAX_RUN_MS = 2 ** 31 - 1;

/**
 * A container's own command (spec command + args) laid out in time, when the
 * simulated shell knows every program in it and, for an app container, no
 * run-seconds annotation overrides the run. Otherwise init containers keep
 * their fixed short run and app containers run until stopped.
 */
export function commandPlanOf(pod: PodObject, container: string): CommandPlan | undefined {
  const isApp = containersOf(pod, 'containers').some((c) => c.name === container);
  if (isApp && annotation(pod, ANNOTATIONS.runSeconds) !== undefined) return undefined;
  return planCommand(containerArgv(pod, container), { env: containerEnv(pod, container), hostname: pod.metadata.name ?? '' });
}

const restartPolicyOf = (pod: PodObject): string => ((pod.spec ?? {}) as { restartPolicy?: string }).restartPolicy ?? 'Always';

/** Image references as the container runtime reports them. */
export function imageIdOf(image: string): string {
  const repo = image.replace(/:[^/:]+$/, '').replace(/@.*$/, '');
  return `${repo.includes('/') ? repo : `docker.io/library/${repo}`}@sha256:${sha(image)}`;
}

function qualified(image: string): string {
  const [first] = image.split('/');
  const hasRegistry = image.includes('/') && first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? image : `docker.io/${image.includes('/') ? image : `library/${image}`}`;
  return /:[^/]+$/.test(path) || path.includes('@') ? path : `${path}:latest`;
}

export class SimulatedRuntime implements Runtime {
  readonly name = 'simulated';
  private readonly listener: RuntimeListener;
  private readonly clock: Clock;
  private readonly timings: SimulatedTimings;
  private readonly capacity: Record<string, string>;
  private readonly pods = new Map<string, SimPod>();
  private readonly images = new Map<string, Map<string, NodeImage>>();
  private readonly backoff: RestartBackoff;
  private closed = false;

  constructor(options: SimulatedRuntimeOptions) {
    this.listener = options.listener;
    this.clock = options.clock ?? systemClock;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.backoff = new RestartBackoff({ baseMs: this.timings.restartBackoffBaseMs, maxMs: this.timings.restartBackoffMaxMs });
    this.capacity = { ...DEFAULT_CAPACITY, ...options.capacity };
  }

  createPod(pod: PodObject, placement: PodPlacement): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    if (this.pods.has(key) || this.closed) return;
    const previous = pod.status as PodStatus | undefined;
    const sim: SimPod = { key, placement, pod, status: this.initialStatus(pod, placement), timers: new Set(), stopping: false, logs: [] };
    this.pods.set(key, sim);
    if (previous && (previous.phase === 'Running' || previous.phase === 'Succeeded' || previous.phase === 'Failed') && previous.containerStatuses?.length) {
      // An agent restart: the pod already runs (or ran); keep its state and restart counts.
      sim.status = structuredClone(previous);
      for (const c of [...containersOf(pod, 'initContainers'), ...containersOf(pod, 'containers')]) this.remember(placement.node, c.image);
      if (previous.phase === 'Running') {
        const startedAt = Date.parse(previous.startTime ?? '') || this.clock.now();
        this.scheduleCompletion(sim, startedAt);
        this.applyReadiness(sim);
        // A container that was backing off when the agent stopped is restarted after one base back-off.
        for (const [i, c] of sim.status.containerStatuses.entries()) {
          if ('waiting' in c.state && c.state.waiting.reason === 'CrashLoopBackOff') this.after(sim, this.timings.restartBackoffBaseMs, () => this.restartContainer(sim, i));
        }
      }
      return;
    }
    this.notify(sim);
    this.runInitContainers(sim, 0);
  }

  updatePod(pod: PodObject): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const sim = this.pods.get(key);
    if (sim === undefined) return;
    sim.pod = pod;
    if (sim.status.phase === 'Running' && this.applyReadiness(sim)) this.notify(sim);
  }

  deletePod(podKey: string, gracePeriodSeconds: number): void {
    const sim = this.pods.get(podKey);
    if (sim === undefined || sim.stopping) return;
    sim.stopping = true;
    this.cancel(sim);
    const running = sim.status.containerStatuses.filter((c) => 'running' in c.state);
    for (const c of running) {
      this.emit(sim, 'Killing', `Stopping container ${c.name}`, `spec.containers{${c.name}}`);
    }
    const stopSeconds = Number(annotation(sim.pod, ANNOTATIONS.stopSeconds) ?? '0');
    const waitMs = running.length === 0 ? 0 : Math.max(0, Math.min(Number.isFinite(stopSeconds) ? stopSeconds : 0, gracePeriodSeconds)) * 1000;
    this.after(sim, waitMs, () => {
      const now = this.clock.now();
      // Killed by the grace period (SIGKILL) when the container outlasted it.
      const killed = stopSeconds > gracePeriodSeconds;
      for (const c of sim.status.containerStatuses) {
        if ('running' in c.state) {
          c.state = { terminated: { exitCode: killed ? 137 : 0, reason: killed ? 'Error' : 'Completed', startedAt: c.state.running.startedAt, finishedAt: rfc3339(now), ...(c.containerID ? { containerID: c.containerID } : {}) } };
        } else if ('waiting' in c.state) {
          c.state = { terminated: { exitCode: 0, reason: 'ContainerStatusUnknown', startedAt: rfc3339(now), finishedAt: rfc3339(now) } };
        }
        c.ready = false;
        c.started = false;
      }
      this.setCondition(sim, 'ContainersReady', 'False', 'PodCompleted');
      this.setCondition(sim, 'Ready', 'False', 'PodCompleted');
      this.listener.podStopped(sim.placement.node, sim.key);
    });
  }

  forgetPod(podKey: string): void {
    const sim = this.pods.get(podKey);
    if (sim === undefined) return;
    this.cancel(sim);
    this.backoff.forget(`${podKey}/`);
    this.pods.delete(podKey);
  }

  getPodStatus(podKey: string): PodStatus | undefined {
    const sim = this.pods.get(podKey);
    return sim === undefined ? undefined : structuredClone(sim.status);
  }

  async getContainerLogs(podKey: string, options: ContainerLogOptions): Promise<Readable> {
    this.requirePod(podKey);
    return openContainerLog({
      pod: () => this.pods.get(podKey)?.pod,
      statuses: () => {
        const current = this.pods.get(podKey)?.status;
        return current === undefined ? undefined : [...(current.initContainerStatuses ?? []), ...current.containerStatuses];
      },
      plan: (container) => {
        const pod = this.pods.get(podKey)?.pod;
        return pod === undefined ? undefined : commandPlanOf(pod, container);
      },
    }, this.clock, options);
  }

  async runInContainer(podKey: string, request: ExecRequest): Promise<number> {
    const sim = this.requireRunning(podKey, request.container);
    return runSimulatedCommand(request.command, { env: containerEnv(sim.pod, request.container), hostname: sim.pod.metadata.name ?? '', ...request.streams });
  }

  /**
   * The simulated main process prints its log lines; attaching follows them
   * from now until it stops. The stream ends with success whatever the exit
   * code, as a CRI attach does (kubectl run -i reads the code from the pod
   * status; an error here would make it fall back to printing the logs again).
   */
  async attach(podKey: string, request: AttachRequest): Promise<number> {
    this.requireRunning(podKey, request.container);
    const log = await this.getContainerLogs(podKey, { container: request.container, follow: true, sinceTimeMs: this.clock.now() });
    const { stdout, signal } = request.streams;
    return new Promise((resolve) => {
      const finish = (): void => {
        log.destroy();
        resolve(0);
      };
      log.on('data', (chunk: Buffer) => stdout?.write(chunk));
      log.once('end', finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  /** A declared containerPort answers as an echo service (bytes written come back); others refuse. */
  async portForward(podKey: string, port: number): Promise<Duplex> {
    const sim = this.requirePod(podKey);
    const declared = ((sim.pod.spec ?? {}) as { containers?: { ports?: { containerPort?: number; protocol?: string }[] }[] }).containers
      ?.some((c) => c.ports?.some((p) => p.containerPort === port && (p.protocol ?? 'TCP') === 'TCP')) ?? false;
    if (!declared || sim.status.phase !== 'Running') {
      const sandbox = sha(`sandbox/${sim.pod.metadata.uid ?? sim.key}`);
      throw new RuntimeStreamError(500, `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "/var/run/netns/cni-${sandbox.slice(0, 8)}": failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `);
    }
    return new PassThrough();
  }

  nodeCapacity(node: string): Record<string, string> {
    void node;
    return { ...this.capacity };
  }

  nodeConditions(node: string): NodeCondition[] {
    void node;
    return [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
      { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ];
  }

  nodeImages(node: string): NodeImage[] {
    return [...(this.images.get(node)?.values() ?? [])].map((i) => ({ names: [...i.names], sizeBytes: i.sizeBytes }));
  }

  /** Seeds a node's images (from node.status.images after an agent restart). */
  restoreImages(node: string, images: readonly NodeImage[]): void {
    const known = this.images.get(node) ?? new Map<string, NodeImage>();
    for (const image of images) {
      const tagged = image.names.find((n) => !n.includes('@')) ?? image.names[0];
      if (tagged !== undefined) known.set(tagged, { names: [...image.names], sizeBytes: image.sizeBytes });
    }
    this.images.set(node, known);
  }

  get podCount(): number {
    return this.pods.size;
  }

  close(): void {
    this.closed = true;
    for (const sim of this.pods.values()) this.cancel(sim);
  }

  // --- lifecycle steps -------------------------------------------------------

  private initialStatus(pod: PodObject, placement: PodPlacement): PodStatus {
    const now = rfc3339(this.clock.now());
    const inits = containersOf(pod, 'initContainers');
    const previous = (pod.status as PodStatus | undefined)?.conditions ?? [];
    const scheduledAt = previous.find((c) => c.type === 'PodScheduled' && c.status === 'True')?.lastTransitionTime ?? now;
    const condition = (type: PodCondition['type'], status: PodCondition['status'], reason?: string, message?: string): PodCondition => ({
      type, status, lastProbeTime: null, lastTransitionTime: type === 'PodScheduled' ? scheduledAt : now, ...(reason ? { reason } : {}), ...(message ? { message } : {}),
    });
    const names = containersOf(pod, 'containers').map((c) => c.name);
    const notReady = `containers with unready status: [${names.join(' ')}]`;
    const waiting = (c: Container, reason: string): ContainerStatus => ({
      name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason } }, lastState: {},
    });
    return {
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'True'),
        inits.length > 0
          ? condition('Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: [${inits.map((c) => c.name).join(' ')}]`)
          : condition('Initialized', 'True'),
        condition('Ready', 'False', 'ContainersNotReady', notReady),
        condition('ContainersReady', 'False', 'ContainersNotReady', notReady),
        condition('PodScheduled', 'True'),
      ],
      hostIP: placement.hostIP,
      hostIPs: [{ ip: placement.hostIP }],
      podIP: placement.podIP,
      podIPs: [{ ip: placement.podIP }],
      startTime: now,
      ...(inits.length > 0 ? { initContainerStatuses: inits.map((c) => waiting(c, 'PodInitializing')) } : {}),
      containerStatuses: containersOf(pod, 'containers').map((c) => waiting(c, inits.length > 0 ? 'PodInitializing' : 'ContainerCreating')),
      qosClass: qosClassOf(pod),
    };
  }

  /** Init containers run one at a time, each to a zero exit, before the app containers. */
  private runInitContainers(sim: SimPod, index: number): void {
    const inits = containersOf(sim.pod, 'initContainers');
    const init = inits[index];
    if (init === undefined) {
      if (inits.length > 0) {
        this.setCondition(sim, 'Initialized', 'True');
        for (const c of sim.status.containerStatuses) c.state = { waiting: { reason: 'ContainerCreating' } };
        this.notify(sim);
      }
      this.startContainers(sim);
      return;
    }
    const status = sim.status.initContainerStatuses?.[index];
    this.pull(sim, init, `spec.initContainers{${init.name}}`, () => {
      this.after(sim, this.timings.startMs, () => {
        const startedAt = rfc3339(this.clock.now());
        const id = status !== undefined && status.restartCount > 0 ? `containerd://${sha(`${sim.pod.metadata.uid ?? sim.key}/${init.name}/${status.restartCount}`)}` : this.containerId(sim, init.name);
        this.emit(sim, 'Created', `Created container ${init.name}`, `spec.initContainers{${init.name}}`);
        this.emit(sim, 'Started', `Started container ${init.name}`, `spec.initContainers{${init.name}}`);
        if (status) Object.assign(status, { imageID: imageIdOf(init.image), containerID: id, started: true, state: { running: { startedAt } } });
        sim.logs.push(`${init.name} ${startedAt} simulated init container ${init.name} started`);
        this.notify(sim);
        const plan = commandPlanOf(sim.pod, init.name);
        // An init container that never exits (sleep infinity) holds the pod in Init.
        if (plan !== undefined && plan.runMs > MAX_RUN_MS) return;
        this.after(sim, plan?.runMs ?? this.timings.initRunMs, () => {
          const exitCode = plan?.exitCode ?? 0;
          const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: rfc3339(this.clock.now()), containerID: id };
          if (exitCode !== 0 && status !== undefined) {
            this.initContainerFailed(sim, index, status, terminated);
            return;
          }
          if (status) Object.assign(status, { started: false, ready: true, state: { terminated } });
          this.runInitContainers(sim, index + 1);
        });
      });
    });
  }

  /**
   * An init container exited non-zero: with restartPolicy Never the pod
   * fails (Init:Error); otherwise it is run again, at once the first time and
   * then after kubelet's back-off (Init:CrashLoopBackOff).
   */
  private initContainerFailed(sim: SimPod, index: number, status: ContainerStatus, terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string }): void {
    status.started = false;
    status.ready = false;
    if (restartPolicyOf(sim.pod) === 'Never') {
      status.state = { terminated };
      sim.status.phase = 'Failed';
      this.setCondition(sim, 'PodReadyToStartContainers', 'False');
      this.notify(sim);
      return;
    }
    const delay = this.backoff.delayAfterExit(`${sim.key}/${status.name}`, this.clock.now());
    status.lastState = { terminated };
    const rerun = (): void => {
      status.restartCount += 1;
      this.runInitContainers(sim, index);
    };
    if (delay === 0) {
      status.state = { terminated };
      this.notify(sim);
      this.after(sim, 0, rerun);
      return;
    }
    const { name = '', namespace = '', uid = '' } = sim.pod.metadata;
    status.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${status.name} pod=${formatPod(name, namespace, uid)}` } };
    this.notify(sim);
    this.listener.event(sim.placement.node, sim.key, { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container ${status.name} in pod ${formatPod(name, namespace, uid)}`, fieldPath: `spec.initContainers{${status.name}}` });
    this.after(sim, delay, rerun);
  }

  private startContainers(sim: SimPod): void {
    const containers = containersOf(sim.pod, 'containers');
    let pulled = 0;
    const whenPulled = (): void => {
      pulled += 1;
      if (pulled < containers.length) return;
      this.after(sim, this.timings.startMs, () => {
        const now = this.clock.now();
        const startedAt = rfc3339(now);
        for (const c of containers) {
          this.emit(sim, 'Created', `Created container ${c.name}`, `spec.containers{${c.name}}`);
          this.emit(sim, 'Started', `Started container ${c.name}`, `spec.containers{${c.name}}`);
          sim.logs.push(`${c.name} ${startedAt} simulated container ${c.name} started (image ${c.image})`);
        }
        for (const [i, status] of sim.status.containerStatuses.entries()) {
          const c = containers[i];
          if (c === undefined) continue;
          Object.assign(status, { imageID: imageIdOf(c.image), containerID: this.containerId(sim, c.name), started: true, state: { running: { startedAt } } });
        }
        sim.status.phase = 'Running';
        this.applyReadiness(sim);
        this.notify(sim);
        this.scheduleCompletion(sim, now);
      });
    };
    if (containers.length === 0) {
      whenPulled();
      return;
    }
    for (const c of containers) this.pull(sim, c, `spec.containers{${c.name}}`, whenPulled);
  }

  /**
   * Containers with a run time exit after it with the annotated code. With
   * restartPolicy Never (or OnFailure and exit 0) the pod then ends Succeeded
   * or Failed; otherwise each container is restarted with kubelet's back-off.
   */
  private scheduleCompletion(sim: SimPod, startedAtMs: number): void {
    const raw = annotation(sim.pod, ANNOTATIONS.runSeconds);
    if (raw === undefined) {
      for (const [i, c] of sim.status.containerStatuses.entries()) {
        if ('running' in c.state) this.scheduleCommandExit(sim, i, Math.max(startedAtMs, Date.parse(c.state.running.startedAt) || 0));
      }
      return;
    }
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0) return;
    const policy = ((sim.pod.spec ?? {}) as { restartPolicy?: string }).restartPolicy ?? 'Always';
    const exitCode = Number(annotation(sim.pod, ANNOTATIONS.exitCode) ?? '0') || 0;
    const restarts = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
    for (const [i, c] of sim.status.containerStatuses.entries()) {
      if (!('running' in c.state)) continue;
      // After an agent restart, a restarted container's own start counts (startedAt has whole seconds only).
      const runningSince = restarts ? Math.max(startedAtMs, Date.parse(c.state.running.startedAt) || 0) : startedAtMs;
      this.after(sim, Math.max(0, runningSince + seconds * 1000 - this.clock.now()), () => (restarts ? this.containerExited(sim, i, exitCode) : this.podCompleted(sim, exitCode)));
    }
  }

  /** A container running a command the shell knows exits when the command does. */
  private scheduleCommandExit(sim: SimPod, index: number, startedAtMs: number): void {
    const c = sim.status.containerStatuses[index];
    const plan = c === undefined ? undefined : commandPlanOf(sim.pod, c.name);
    if (plan === undefined || plan.runMs > MAX_RUN_MS) return;
    this.after(sim, Math.max(0, startedAtMs + plan.runMs - this.clock.now()), () => this.commandExited(sim, index, plan.exitCode));
  }

  /**
   * A container's command ended: restarted as its restartPolicy says, or
   * left terminated; once every container has terminated the pod ends,
   * Failed when any exited non-zero (kubelet's phase rule).
   */
  private commandExited(sim: SimPod, index: number, exitCode: number): void {
    const policy = restartPolicyOf(sim.pod);
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) {
      this.containerExited(sim, index, exitCode);
      return;
    }
    const c = sim.status.containerStatuses[index];
    if (c === undefined || !('running' in c.state)) return;
    c.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: c.state.running.startedAt, finishedAt: rfc3339(this.clock.now()), ...(c.containerID ? { containerID: c.containerID } : {}) } };
    c.ready = false;
    c.started = false;
    const exits = sim.status.containerStatuses.map((s) => ('terminated' in s.state ? s.state.terminated.exitCode : undefined));
    if (exits.every((code) => code !== undefined)) {
      this.podEnded(sim, exits.every((code) => code === 0) ? 'Succeeded' : 'Failed');
      return;
    }
    this.applyReadiness(sim);
    this.notify(sim);
  }

  /** Every container exits together and the pod ends (restartPolicy Never, or OnFailure with exit 0). */
  private podCompleted(sim: SimPod, exitCode: number): void {
    if (sim.status.phase !== 'Running') return;
    const finishedAt = rfc3339(this.clock.now());
    for (const c of sim.status.containerStatuses) {
      const startedAt = 'running' in c.state ? c.state.running.startedAt : finishedAt;
      c.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt, ...(c.containerID ? { containerID: c.containerID } : {}) } };
      c.ready = false;
      c.started = false;
    }
    this.podEnded(sim, exitCode === 0 ? 'Succeeded' : 'Failed');
  }

  /** The pod's containers have all terminated for good. */
  private podEnded(sim: SimPod, phase: 'Succeeded' | 'Failed'): void {
    sim.status.phase = phase;
    this.setCondition(sim, 'PodReadyToStartContainers', 'False');
    this.setCondition(sim, 'ContainersReady', 'False', 'PodCompleted');
    this.setCondition(sim, 'Ready', 'False', 'PodCompleted');
    this.notify(sim);
  }

  /**
   * One container exited and its restartPolicy restarts it: at once the
   * first time, then after kubelet's back-off, waiting in CrashLoopBackOff
   * meanwhile. The pod stays Running.
   */
  private containerExited(sim: SimPod, index: number, exitCode: number): void {
    const c = sim.status.containerStatuses[index];
    if (c === undefined || !('running' in c.state)) return;
    const now = this.clock.now();
    const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: c.state.running.startedAt, finishedAt: rfc3339(now), ...(c.containerID ? { containerID: c.containerID } : {}) };
    const delay = this.backoff.delayAfterExit(`${sim.key}/${c.name}`, now);
    c.lastState = { terminated };
    c.ready = false;
    c.started = false;
    if (delay === 0) {
      c.state = { terminated };
      this.applyReadiness(sim);
      this.notify(sim);
      this.after(sim, this.timings.startMs, () => this.restartContainer(sim, index));
      return;
    }
    const { name = '', namespace = '', uid = '' } = sim.pod.metadata;
    c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${formatPod(name, namespace, uid)}` } };
    this.applyReadiness(sim);
    this.notify(sim);
    this.listener.event(sim.placement.node, sim.key, { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container ${c.name} in pod ${formatPod(name, namespace, uid)}`, fieldPath: `spec.containers{${c.name}}` });
    this.after(sim, delay, () => this.restartContainer(sim, index));
  }

  /** Starts a new instance of a container: restartCount + 1, lastState keeps the exit. */
  private restartContainer(sim: SimPod, index: number): void {
    const c = sim.status.containerStatuses[index];
    if (c === undefined || 'running' in c.state || sim.stopping) return;
    const now = this.clock.now();
    const startedAt = rfc3339(now);
    c.restartCount += 1;
    c.containerID = `containerd://${sha(`${sim.pod.metadata.uid ?? sim.key}/${c.name}/${c.restartCount}`)}`;
    c.state = { running: { startedAt } };
    c.started = true;
    this.emit(sim, 'Created', `Created container ${c.name}`, `spec.containers{${c.name}}`);
    this.emit(sim, 'Started', `Started container ${c.name}`, `spec.containers{${c.name}}`);
    this.applyReadiness(sim);
    this.notify(sim);
    const raw = annotation(sim.pod, ANNOTATIONS.runSeconds);
    if (raw === undefined) {
      this.scheduleCommandExit(sim, index, now);
      return;
    }
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0) return;
    const exitCode = Number(annotation(sim.pod, ANNOTATIONS.exitCode) ?? '0') || 0;
    this.after(sim, seconds * 1000, () => this.containerExited(sim, index, exitCode));
  }

  /** Sets container readiness from the annotation; true when anything changed. */
  private applyReadiness(sim: SimPod): boolean {
    const ready = annotation(sim.pod, ANNOTATIONS.ready) !== 'false';
    let changed = false;
    for (const c of sim.status.containerStatuses) {
      if (!('running' in c.state) || c.ready === ready) continue;
      c.ready = ready;
      changed = true;
    }
    const names = sim.status.containerStatuses.filter((c) => !c.ready).map((c) => c.name);
    const reason = names.length === 0 ? undefined : 'ContainersNotReady';
    const message = names.length === 0 ? undefined : `containers with unready status: [${names.join(' ')}]`;
    changed = this.setCondition(sim, 'ContainersReady', names.length === 0 ? 'True' : 'False', reason, message) || changed;
    changed = this.setCondition(sim, 'Ready', names.length === 0 ? 'True' : 'False', reason, message) || changed;
    return changed;
  }

  /** Kubelet's pull: Pulling/Pulled, or "already present" when the node has the image. */
  private pull(sim: SimPod, container: Container, fieldPath: string, then: () => void): void {
    const node = sim.placement.node;
    const policy = this.pullPolicyOf(sim.pod, container.name);
    const present = this.images.get(node)?.has(qualified(container.image)) ?? false;
    if (policy === 'Never' || (present && policy !== 'Always')) {
      this.emit(sim, 'Pulled', `Container image "${container.image}" already present on machine`, fieldPath);
      this.remember(node, container.image);
      this.after(sim, 0, then);
      return;
    }
    this.emit(sim, 'Pulling', `Pulling image "${container.image}"`, fieldPath);
    this.after(sim, this.timings.pullMs, () => {
      const size = sizeOf(container.image);
      this.emit(sim, 'Pulled', `Successfully pulled image "${container.image}" in ${this.timings.pullMs}ms (${this.timings.pullMs}ms including waiting). Image size: ${size} bytes.`, fieldPath);
      if (this.remember(node, container.image)) this.listener.imagesChanged(node);
      then();
    });
  }

  private pullPolicyOf(pod: PodObject, name: string): string {
    const spec = (pod.spec ?? {}) as { containers?: { name?: string; image?: string; imagePullPolicy?: string }[]; initContainers?: { name?: string; image?: string; imagePullPolicy?: string }[] };
    const c = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find((x) => x.name === name);
    if (c?.imagePullPolicy) return c.imagePullPolicy;
    return (c?.image ?? '').endsWith(':latest') || !/:[^/]+$/.test(c?.image ?? '') ? 'Always' : 'IfNotPresent';
  }

  /** Records an image on a node; true when it is new there. */
  private remember(node: string, image: string): boolean {
    const known = this.images.get(node) ?? new Map<string, NodeImage>();
    this.images.set(node, known);
    const name = qualified(image);
    if (known.has(name)) return false;
    known.set(name, { names: [imageIdOf(name), name], sizeBytes: sizeOf(image) });
    return true;
  }

  private setCondition(sim: SimPod, type: PodCondition['type'], status: PodCondition['status'], reason?: string, message?: string): boolean {
    const existing = sim.status.conditions.find((c) => c.type === type);
    const next: PodCondition = { type, status, lastProbeTime: null, lastTransitionTime: rfc3339(this.clock.now()), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    if (existing === undefined) {
      sim.status.conditions.push(next);
      return true;
    }
    if (existing.status === status && existing.reason === reason && existing.message === message) return false;
    if (existing.status === status) next.lastTransitionTime = existing.lastTransitionTime;
    Object.assign(existing, next);
    if (reason === undefined) delete existing.reason;
    if (message === undefined) delete existing.message;
    return true;
  }

  private containerId(sim: SimPod, container: string): string {
    return `containerd://${sha(`${sim.pod.metadata.uid ?? sim.key}/${container}`)}`;
  }

  private emit(sim: SimPod, reason: 'Pulling' | 'Pulled' | 'Created' | 'Started' | 'Killing', message: string, fieldPath: string): void {
    this.listener.event(sim.placement.node, sim.key, { reason, type: 'Normal', message, fieldPath });
  }

  private notify(sim: SimPod): void {
    this.listener.podStatusChanged(sim.placement.node, sim.key);
  }

  private after(sim: SimPod, ms: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      sim.timers.delete(handle);
      if (!this.closed && this.pods.get(sim.key) === sim) fn();
    }, ms);
    sim.timers.add(handle);
  }

  private cancel(sim: SimPod): void {
    for (const handle of sim.timers) this.clock.clearTimeout(handle);
    sim.timers.clear();
  }

  private requirePod(podKey: string, container?: string): SimPod {
    const sim = this.pods.get(podKey);
    if (sim === undefined) throw new RuntimeStreamError(404, `pod ${podKey} is not running on this node`);
    if (container !== undefined && ![...containersOf(sim.pod, 'containers'), ...containersOf(sim.pod, 'initContainers')].some((c) => c.name === container)) {
      throw new RuntimeStreamError(400, `container ${container} is not valid for pod ${sim.pod.metadata.name ?? ''}`);
    }
    return sim;
  }

  /** kubelet's answer for exec/attach into a container that is not running. */
  private requireRunning(podKey: string, container: string): SimPod {
    const sim = this.requirePod(podKey, container);
    const status = [...(sim.status.initContainerStatuses ?? []), ...sim.status.containerStatuses].find((c) => c.name === container);
    if (status === undefined || !('running' in status.state)) throw new RuntimeStreamError(400, `container not found ("${container}")`);
    return sim;
  }
}

/** A stable, plausible image size (10 MB to 500 MB) derived from the name. */
function sizeOf(image: string): number {
  return 10_000_000 + (parseInt(sha(image).slice(0, 8), 16) % 490_000_000);
}

/** BestEffort, Burstable or Guaranteed, from the containers' requests and limits. */
export function qosClassOf(pod: PodObject): string {
  const spec = (pod.spec ?? {}) as { containers?: { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[]; initContainers?: { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[] };
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = limits[r];
      const request = requests[r] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
