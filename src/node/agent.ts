// The node agent: a kubelet for many simulated nodes in one process. It is a
// client of the API only (never of PostgreSQL or Redis): it registers Nodes,
// renews their Leases in batches, watches the pods bound to them, runs those
// pods with a Runtime and writes back their status, events and final delete.
import crypto from 'node:crypto';
import { ApiStatusError, isConflict, isNotFound, type ApiClient, type WatchEvent, type WatchHandle } from './api-client.js';
import { addressIndex, formatCidr, formatIp, hostAddress, parseCidr, subnet, subnetCount, type Ipv4Cidr } from './cidr.js';
import { rfc3339, systemClock, type Clock } from './clock.js';
import { EventRecorder } from './event-recorder.js';
import { nodeObject, nodeStatus, type NodeIdentity } from './node-object.js';
import { recordNodeStartup } from './node-events.js';
import type { NodeImage, PodStatus, Runtime, RuntimeEvent, RuntimeListener } from './runtime.js';
import { SimulatedRuntime, type SimulatedTimings } from './runtimes/simulated.js';
import type { Logger } from '../log.js';
import type { KubeObject } from '../store/types.js';

export interface NodeAgentOptions {
  client: ApiClient;
  log: Logger;
  /** How many nodes this agent carries. @defaultValue 3 */
  nodes?: number;
  /** Nodes are named `${namePrefix}-${i}`. @defaultValue kubeql-node */
  namePrefix?: string;
  /** Node capacity (cpu, memory, pods, ephemeral-storage). @defaultValue 4 CPU, 16Gi, 110 pods, 100Gi */
  capacity?: Record<string, string>;
  /** Range podCIDRs come from. @defaultValue 10.244.0.0/16 */
  clusterCidr?: string;
  /** Size of each node's podCIDR. @defaultValue 24 */
  nodeCidrMaskSize?: number;
  /** Range simulated node addresses (InternalIP) come from. @defaultValue 172.20.0.0/16 */
  nodeAddressCidr?: string;
  /** @defaultValue 10000 (kubelet's node lease renew interval) */
  leasePeriodMs?: number;
  /** @defaultValue 40 */
  leaseDurationSeconds?: number;
  /** Leases per renewal request; the batches are spread over the period. @defaultValue 100 */
  leaseBatchSize?: number;
  /** Pod status batch requests in flight at once. @defaultValue 4 */
  statusConcurrency?: number;
  /** Pods per status batch request (POST /kubeql/v1/podstatuses). @defaultValue 200 */
  statusBatchSize?: number;
  /** Wait before a status write that failed is tried again. @defaultValue 500 */
  statusRetryMs?: number;
  /** Simulated runtime timings. */
  timings?: Partial<SimulatedTimings>;
  /** Events per second (kubelet's eventRecordQPS). @defaultValue 50 */
  eventQps?: number;
  /**
   * Pod status changes waiting to be written above which events are dropped,
   * so that under overload the API's write capacity goes to pod status first.
   * @defaultValue 100
   */
  eventBacklogLimit?: number;
  /** Delay before a watch is re-opened after it failed. @defaultValue 1000 */
  rewatchDelayMs?: number;
  /** Asks the server to end each pod watch after this long (it is resumed from the last resourceVersion). @defaultValue the server's */
  watchTimeoutSeconds?: number;
  clock?: Clock;
  /** Port the agent's kubelet API listens on, published in each Node's daemonEndpoints. @defaultValue 10250 */
  kubeletPort?: number;
}

interface NodeState extends NodeIdentity {
  uid: string;
  cidr: Ipv4Cidr;
  usedIps: Set<number>;
}

interface LeaseItem {
  name: string;
  holderIdentity: string;
  nodeUid: string;
}

interface PodState {
  pod: KubeObject;
  node: NodeState;
  ipIndex: number | undefined;
  /** The pod is in a status batch on its way; it is not sent again until that one answers (no reordering). */
  inFlight: boolean;
  /** The status last written, serialized, so an unchanged status is not written again. */
  lastWritten: string | undefined;
  /** Its phase (the agent's own record: the watch may echo a write before the write's answer arrives). */
  writtenPhase: string | undefined;
  stopped: boolean;
}

interface PodStatusResult {
  results: { namespace: string; name: string; resourceVersion?: string; error?: { code?: number; reason?: string; message?: string } }[];
}

const keyOf = (pod: KubeObject): string => `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
const podPath = (key: string): string => {
  const [namespace, name] = key.split('/');
  return `/api/v1/namespaces/${namespace ?? ''}/pods/${name ?? ''}`;
};

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export class NodeAgent implements RuntimeListener {
  readonly runtime: Runtime & { restoreImages?(node: string, images: readonly NodeImage[]): void };
  private readonly client: ApiClient;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly nodeCount: number;
  private readonly namePrefix: string;
  private readonly clusterCidr: Ipv4Cidr;
  private readonly nodeMask: number;
  private readonly nodeAddresses: Ipv4Cidr;
  private readonly leasePeriodMs: number;
  private readonly leaseDurationSeconds: number;
  private readonly leaseBatchSize: number;
  private readonly statusConcurrency: number;
  private readonly statusBatchSize: number;
  private readonly statusRetryMs: number;
  private readonly rewatchDelayMs: number;
  private readonly watchQuery: Record<string, string>;
  private readonly events: EventRecorder;
  private readonly nodes = new Map<string, NodeState>();
  private readonly pods = new Map<string, PodState>();
  /**
   * Pods whose status changed since it was last written, oldest first. Only
   * the key is queued: a batch reads each pod's status when it is sent, so a
   * pod that changed several times while the agent was behind is written once,
   * in its latest state (kubelet's status manager does the same).
   */
  private readonly dirtyPods = new Set<string>();
  private statusBatches = 0;
  private readonly statusRetries = new Set<unknown>();
  /** Status batch requests sent and pod statuses written, for the benchmark. */
  statusRequests = 0;
  statusWrites = 0;
  private readonly imageFlush = new Map<string, unknown>();
  private readonly bootId = crypto.randomUUID();
  private readonly since: string;
  private readonly kubeletPort: number | undefined;
  private leaseTimer: unknown;
  private watch: WatchHandle | undefined;
  private watchLoop: Promise<void> | undefined;
  private resourceVersion = '';
  private running = false;
  private idle: (() => void)[] = [];
  /** Lease renewal requests sent, for the benchmark. */
  leaseRequests = 0;
  /** How long the last renewal of every lease took, and periods skipped because one was still running. */
  lastLeaseRenewalMs = 0;
  leaseTicksSkipped = 0;
  private readonly renewingBatches = new Map<number, Promise<void>>();
  /** Pod watches opened (one per resume), and relists after 410 Gone. */
  watches = 0;
  relists = 0;
  /** When each pod was first seen Running (ms), for the benchmark. */
  onPodRunning: ((key: string) => void) | undefined;
  /** When the agent first learns of a pod bound to one of its nodes, for the benchmark. */
  onPodBound: ((key: string) => void) | undefined;

  constructor(options: NodeAgentOptions) {
    this.client = options.client;
    this.log = options.log.child({ component: 'node-agent' });
    this.clock = options.clock ?? systemClock;
    this.nodeCount = options.nodes ?? 3;
    this.namePrefix = options.namePrefix ?? 'kubeql-node';
    this.kubeletPort = options.kubeletPort;
    this.clusterCidr = parseCidr(options.clusterCidr ?? '10.244.0.0/16');
    this.nodeMask = options.nodeCidrMaskSize ?? 24;
    this.nodeAddresses = parseCidr(options.nodeAddressCidr ?? '172.20.0.0/16');
    this.leasePeriodMs = options.leasePeriodMs ?? 10_000;
    this.leaseDurationSeconds = options.leaseDurationSeconds ?? 40;
    this.leaseBatchSize = options.leaseBatchSize ?? 100;
    this.statusConcurrency = options.statusConcurrency ?? 4;
    this.statusBatchSize = options.statusBatchSize ?? 200;
    this.statusRetryMs = options.statusRetryMs ?? 500;
    this.rewatchDelayMs = options.rewatchDelayMs ?? 1000;
    this.watchQuery = options.watchTimeoutSeconds === undefined ? {} : { timeoutSeconds: String(options.watchTimeoutSeconds) };
    this.since = rfc3339(this.clock.now());
    const eventBacklogLimit = options.eventBacklogLimit ?? 100;
    this.events = new EventRecorder({
      client: this.client,
      log: this.log,
      ...(options.eventQps !== undefined ? { qps: options.eventQps, burst: options.eventQps * 2 } : {}),
      overloaded: () => this.dirtyPods.size > eventBacklogLimit,
    });
    this.runtime = new SimulatedRuntime({ listener: this, clock: this.clock, ...(options.timings ? { timings: options.timings } : {}), ...(options.capacity ? { capacity: options.capacity } : {}) });
    if (subnetCount(this.clusterCidr, this.nodeMask) < this.nodeCount) {
      throw new Error(`cluster CIDR ${formatCidr(this.clusterCidr)} holds only ${subnetCount(this.clusterCidr, this.nodeMask)} /${this.nodeMask} podCIDRs, not ${this.nodeCount}`);
    }
  }

  get nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Registers (or re-attaches to) the nodes, starts leases and the pod watch. */
  async start(): Promise<void> {
    this.running = true;
    await this.registerNodes();
    await this.renewLeases();
    this.scheduleLeases();
    await this.relist();
    this.watchLoop = this.watchPods();
  }

  /** Stops leases, the watch and the runtime; Nodes and pods stay in the API. */
  async stop(): Promise<void> {
    this.running = false;
    this.clock.clearTimeout(this.leaseTimer);
    for (const handle of this.imageFlush.values()) this.clock.clearTimeout(handle);
    for (const handle of this.statusRetries) this.clock.clearTimeout(handle);
    this.statusRetries.clear();
    this.watch?.close();
    await this.watchLoop?.catch(() => undefined);
    // A renewal already sent lands; none is sent after stop returns.
    await Promise.all([...this.renewingBatches.values()]);
    this.runtime.close();
    await this.drainStatus();
    await this.events.flush();
  }

  // --- nodes and leases -------------------------------------------------------

  private async registerNodes(): Promise<void> {
    const existing = new Map<string, KubeObject>();
    const usedCidrs = new Set<string>();
    for (const node of (await this.client.list('/api/v1/nodes')).items) {
      existing.set(node.metadata.name ?? '', node);
      const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
      if (cidr) usedCidrs.add(cidr);
    }
    const total = subnetCount(this.clusterCidr, this.nodeMask);
    let nextSubnet = 0;
    const freeCidr = (): string => {
      while (nextSubnet < total) {
        const candidate = formatCidr(subnet(this.clusterCidr, this.nodeMask, nextSubnet++));
        if (!usedCidrs.has(candidate)) {
          usedCidrs.add(candidate);
          return candidate;
        }
      }
      throw new Error(`no free podCIDR left in ${formatCidr(this.clusterCidr)}`);
    };
    const names = Array.from({ length: this.nodeCount }, (_, i) => `${this.namePrefix}-${i}`);
    const plans = names.map((name, i) => {
      const found = existing.get(name);
      const podCIDR = (found?.spec as { podCIDR?: string } | undefined)?.podCIDR ?? freeCidr();
      const internalIP = ((found?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address
        ?? formatIp(this.nodeAddresses.base + 2 + i);
      return { identity: { name, podCIDR, internalIP }, found };
    });
    await eachLimited(plans, 16, async ({ identity, found }) => {
      if (found !== undefined) {
        const images = (found.status as { images?: NodeImage[] } | undefined)?.images ?? [];
        this.runtime.restoreImages?.(identity.name, images);
      }
      const node = found ?? (await this.createNode(identity));
      this.nodes.set(identity.name, { ...identity, uid: node.metadata.uid ?? '', cidr: parseCidr(identity.podCIDR), usedIps: new Set() });
      await this.writeNodeStatus(identity.name);
      if (found === undefined) await recordNodeStartup(this.client, identity.name, this.log);
    });
    this.log.info({ nodes: this.nodes.size, adopted: plans.filter((p) => p.found).length }, 'nodes registered');
  }

  private async createNode(identity: NodeIdentity): Promise<KubeObject> {
    try {
      return await this.client.post('/api/v1/nodes', nodeObject(identity));
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.reason === 'AlreadyExists')) throw err;
      return this.client.get(`/api/v1/nodes/${identity.name}`);
    }
  }

  private async writeNodeStatus(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (node === undefined) return;
    const status = nodeStatus({
      node,
      capacity: this.runtime.nodeCapacity(name),
      conditions: this.runtime.nodeConditions(name),
      images: this.runtime.nodeImages(name),
      since: this.since,
      now: rfc3339(this.clock.now()),
      bootId: this.bootId,
      ...(this.kubeletPort !== undefined ? { kubeletPort: this.kubeletPort } : {}),
    });
    await this.client.mergePatch(`/api/v1/nodes/${name}/status`, { status });
  }

  /**
   * Fixed rate, spread out: the leases are cut into batches and one batch is
   * renewed every period/batches, so each lease is renewed once a period and
   * the API sees a steady trickle instead of one burst. A batch whose previous
   * renewal is still running is skipped this time.
   */
  private scheduleLeases(): void {
    const batches = this.leaseBatches();
    const interval = Math.max(1, Math.floor(this.leasePeriodMs / Math.max(1, batches.length)));
    let next = 0;
    const tick = (): void => {
      if (!this.running) return;
      this.leaseTimer = this.clock.setTimeout(tick, interval);
      const index = next;
      next = (next + 1) % Math.max(1, batches.length);
      const batch = batches[index];
      if (batch === undefined) return;
      if (this.renewingBatches.has(index)) {
        this.leaseTicksSkipped += 1;
        this.log.warn({ periodMs: this.leasePeriodMs, batch: index }, 'lease renewal still running after a whole period; skipping this one');
        return;
      }
      const started = this.clock.now();
      const renewal = this.renewBatch(batch)
        .then(() => void (this.lastLeaseRenewalMs = this.clock.now() - started))
        .catch((err: Error) => this.log.warn({ err: err.message }, 'lease renewal failed'))
        .finally(() => this.renewingBatches.delete(index));
      this.renewingBatches.set(index, renewal);
    };
    this.leaseTimer = this.clock.setTimeout(tick, interval);
  }

  private leaseBatches(): LeaseItem[][] {
    const items = [...this.nodes.values()].map((n) => ({ name: n.name, holderIdentity: n.name, nodeUid: n.uid }));
    const batches: LeaseItem[][] = [];
    for (let i = 0; i < items.length; i += this.leaseBatchSize) batches.push(items.slice(i, i + this.leaseBatchSize));
    return batches;
  }

  /** Renews every lease now (at start, so they exist at once). */
  async renewLeases(): Promise<void> {
    for (const batch of this.leaseBatches()) await this.renewBatch(batch);
  }

  /** One request renews a whole batch (kubeql extension, see src/api/rest/lease-renewals.ts). */
  private async renewBatch(leases: LeaseItem[]): Promise<void> {
    this.leaseRequests += 1;
    const result = await this.client.post<{ failed: { name: string; status: { message?: string } }[] }>('/kubeql/v1/leaserenewals', {
      apiVersion: 'kubeql.io/v1',
      kind: 'LeaseRenewal',
      namespace: 'kube-node-lease',
      leaseDurationSeconds: this.leaseDurationSeconds,
      leases,
    });
    if (result.failed.length > 0) this.log.warn({ failed: result.failed.slice(0, 5).map((f) => `${f.name}: ${f.status.message ?? ''}`), count: result.failed.length }, 'some leases were not renewed');
  }

  // --- pods ---------------------------------------------------------------------

  /** Lists every pod, takes on ours, forgets those gone, and remembers where to watch from. */
  private async relist(): Promise<void> {
    const list = await this.client.list('/api/v1/pods');
    const seen = new Set<string>();
    for (const pod of list.items) {
      if (!this.isOurs(pod)) continue;
      seen.add(keyOf(pod));
      this.onPod(pod);
    }
    for (const key of [...this.pods.keys()]) if (!seen.has(key)) this.onPodGone(key);
    this.resourceVersion = list.metadata.resourceVersion ?? '';
  }

  private async watchPods(): Promise<void> {
    while (this.running) {
      let expired = false;
      try {
        this.watches += 1;
        this.watch = this.client.watch('/api/v1/pods', { ...this.watchQuery, resourceVersion: this.resourceVersion }, (event) => {
          if (this.handleWatchEvent(event)) expired = true;
        });
        await this.watch.done;
      } catch (err) {
        if (!this.running) return;
        expired = err instanceof ApiStatusError && err.code === 410;
        if (!expired) {
          this.log.warn({ err: (err as Error).message }, 'pod watch failed; re-watching');
          await new Promise((resolve) => this.clock.setTimeout(() => resolve(undefined), this.rewatchDelayMs));
        }
      }
      if (!this.running) return;
      if (expired) {
        this.log.info({ resourceVersion: this.resourceVersion }, 'pod watch expired; relisting');
        this.relists += 1;
        try {
          await this.relist();
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'pod relist failed');
          await new Promise((resolve) => this.clock.setTimeout(() => resolve(undefined), this.rewatchDelayMs));
        }
      }
    }
  }

  /** True when the watch must be restarted by a relist (410 Gone). */
  private handleWatchEvent(event: WatchEvent): boolean {
    if (event.type === 'ERROR') {
      const code = (event.object as { code?: number }).code;
      if (code === 410) {
        this.watch?.close();
        return true;
      }
      this.log.warn({ status: event.object }, 'pod watch error');
      return false;
    }
    const rv = event.object.metadata.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return false;
    if (!this.isOurs(event.object)) return false;
    if (event.type === 'DELETED') this.onPodGone(keyOf(event.object));
    else this.onPod(event.object);
    return false;
  }

  private isOurs(pod: KubeObject): boolean {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    return nodeName !== undefined && this.nodes.has(nodeName);
  }

  private onPod(pod: KubeObject): void {
    const key = keyOf(pod);
    const nodeName = (pod.spec as { nodeName?: string }).nodeName ?? '';
    const node = this.nodes.get(nodeName);
    if (node === undefined) return;
    let state = this.pods.get(key);
    if (state !== undefined && state.pod.metadata.uid !== pod.metadata.uid) {
      // Same name, new pod: the old one is gone.
      this.onPodGone(key);
      state = undefined;
    }
    const terminating = pod.metadata.deletionTimestamp !== undefined;
    if (state === undefined) {
      const status = (pod.status ?? {}) as Partial<PodStatus>;
      const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
      if (terminating && (terminal || !status.containerStatuses?.some((c) => 'running' in c.state))) {
        // Nothing runs for it here: confirm the delete at once.
        this.pods.set(key, { pod, node, ipIndex: undefined, inFlight: false, lastWritten: undefined, writtenPhase: undefined, stopped: true });
        void this.confirmDelete(key);
        return;
      }
      const ipIndex = this.allocateIp(node, status.podIP);
      if (ipIndex === undefined) {
        this.log.warn({ pod: key, node: node.name }, 'no pod address left in the node podCIDR');
        return;
      }
      state = { pod, node, ipIndex, inFlight: false, lastWritten: undefined, writtenPhase: (pod.status as { phase?: string } | undefined)?.phase, stopped: false };
      this.pods.set(key, state);
      this.onPodBound?.(key);
      this.runtime.createPod(pod, { node: node.name, podIP: hostAddress(node.cidr, ipIndex) ?? '', hostIP: node.internalIP });
    } else {
      state.pod = pod;
      this.runtime.updatePod(pod);
    }
    if (terminating && !state.stopped) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
      this.runtime.deletePod(key, grace);
    }
  }

  private onPodGone(key: string): void {
    const state = this.pods.get(key);
    if (state === undefined) return;
    this.runtime.forgetPod(key);
    this.dirtyPods.delete(key);
    if (state.ipIndex !== undefined) state.node.usedIps.delete(state.ipIndex);
    this.pods.delete(key);
  }

  /** Keeps the address a running pod already has (agent restart), else the lowest free one. */
  private allocateIp(node: NodeState, current: string | undefined): number | undefined {
    const kept = current ? addressIndex(node.cidr, current) : undefined;
    if (kept !== undefined) {
      node.usedIps.add(kept);
      return kept;
    }
    for (let i = 0; hostAddress(node.cidr, i) !== undefined; i++) {
      if (!node.usedIps.has(i)) {
        node.usedIps.add(i);
        return i;
      }
    }
    return undefined;
  }

  // --- runtime callbacks -----------------------------------------------------------

  podStatusChanged(_node: string, podKey: string): void {
    if (!this.pods.has(podKey)) return;
    this.dirtyPods.add(podKey);
    this.pumpStatus();
  }

  podStopped(_node: string, podKey: string): void {
    const state = this.pods.get(podKey);
    if (state === undefined) return;
    state.stopped = true;
    this.podStatusChanged(_node, podKey);
  }

  event(node: string, podKey: string, event: RuntimeEvent): void {
    const state = this.pods.get(podKey);
    if (state !== undefined) this.events.record(state.pod, node, event);
  }

  imagesChanged(node: string): void {
    if (this.imageFlush.has(node)) return;
    // Coalesced: a burst of pulls on one node is one status write.
    this.imageFlush.set(node, this.clock.setTimeout(() => {
      this.imageFlush.delete(node);
      if (this.running) this.writeNodeStatus(node).catch((err: Error) => this.log.warn({ err: err.message, node }, 'node status not written'));
    }, 500));
  }

  /**
   * Sends batches while fewer than statusConcurrency are in flight. When the
   * API keeps up, a change goes out at once (a batch of one); when it does
   * not, changes pile up and leave together in the next batch.
   */
  private pumpStatus(): void {
    while (this.statusBatches < this.statusConcurrency) {
      const batch = this.takeStatusBatch();
      if (batch.length === 0) break;
      this.statusBatches += 1;
      void this.writeStatusBatch(batch).finally(() => {
        this.statusBatches -= 1;
        this.pumpStatus();
        this.notifyIdle();
      });
    }
    this.notifyIdle();
  }

  /** Up to statusBatchSize dirty pods with no write in flight, with their current status. */
  private takeStatusBatch(): { key: string; state: PodState; status: PodStatus; serialized: string }[] {
    const batch: { key: string; state: PodState; status: PodStatus; serialized: string }[] = [];
    for (const key of this.dirtyPods) {
      if (batch.length >= this.statusBatchSize) break;
      const state = this.pods.get(key);
      if (state === undefined) {
        this.dirtyPods.delete(key);
        continue;
      }
      if (state.inFlight) continue;
      this.dirtyPods.delete(key);
      const status = this.runtime.getPodStatus(key);
      if (status === undefined) continue;
      const serialized = JSON.stringify(status);
      if (serialized === state.lastWritten) {
        // Nothing new to say; a stopped pod may still need its final delete.
        if (state.stopped) void this.confirmDelete(key);
        continue;
      }
      state.inFlight = true;
      batch.push({ key, state, status, serialized });
    }
    return batch;
  }

  /** One POST /kubeql/v1/podstatuses (see src/api/rest/pod-status-batch.ts); each pod has its own result. */
  private async writeStatusBatch(batch: { key: string; state: PodState; status: PodStatus; serialized: string }[]): Promise<void> {
    let answer: PodStatusResult | undefined;
    try {
      this.statusRequests += 1;
      answer = await this.client.post<PodStatusResult>('/kubeql/v1/podstatuses', {
        apiVersion: 'kubeql.io/v1',
        kind: 'PodStatusBatch',
        items: batch.map(({ key, state, status }) => {
          const [namespace = '', name = ''] = key.split('/');
          return { namespace, name, uid: state.pod.metadata.uid, status };
        }),
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, pods: batch.length }, 'pod status batch not written; retrying');
    }
    for (const [i, item] of batch.entries()) {
      const { key, state, status, serialized } = item;
      state.inFlight = false;
      if (this.pods.get(key) !== state) continue;
      const result = answer?.results[i];
      if (result === undefined) {
        this.retryStatus(key);
        continue;
      }
      if (result.error === undefined) {
        this.statusWrites += 1;
        const wasRunning = state.writtenPhase === 'Running';
        state.lastWritten = serialized;
        state.writtenPhase = status.phase;
        state.pod = { ...state.pod, status: { ...((state.pod.status ?? {}) as Record<string, unknown>), ...status } };
        if (status.phase === 'Running' && !wasRunning) this.onPodRunning?.(key);
        if (state.stopped && !this.dirtyPods.has(key)) void this.confirmDelete(key);
        continue;
      }
      const { code, reason, message } = result.error;
      if (code === 404) {
        this.onPodGone(key);
      } else if (code === 409 && /UID in precondition/.test(message ?? '')) {
        // Another pod of the same name: the watch brings the change; this one is gone.
        this.onPodGone(key);
      } else if (code === 403 || code === 422) {
        this.log.warn({ pod: key, reason, err: message }, 'pod status refused; not retried until it changes');
      } else {
        this.log.warn({ pod: key, reason, err: message }, 'pod status not written; retrying');
        this.retryStatus(key);
      }
    }
  }

  private retryStatus(key: string): void {
    if (!this.running) return;
    const handle = this.clock.setTimeout(() => {
      this.statusRetries.delete(handle);
      if (this.running && this.pods.has(key)) {
        this.dirtyPods.add(key);
        this.pumpStatus();
      }
    }, this.statusRetryMs);
    this.statusRetries.add(handle);
  }

  private notifyIdle(): void {
    if (this.statusBatches === 0 && this.dirtyPods.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** The final delete a kubelet sends once the containers are stopped. */
  private async confirmDelete(key: string): Promise<void> {
    const state = this.pods.get(key);
    if (state === undefined) return;
    try {
      await this.client.delete(podPath(key), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: state.pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) this.log.warn({ err: (err as Error).message, pod: key }, 'final pod delete failed');
    }
    if (this.pods.get(key) === state) this.onPodGone(key);
  }

  private drainStatus(): Promise<void> {
    if (this.statusBatches === 0 && this.dirtyPods.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Pods this agent is running, for tests and the benchmark. */
  get podCount(): number {
    return this.pods.size;
  }

  /** Events recorded and dropped (rate limit or status backlog), for the benchmark. */
  get eventCounts(): { sent: number; dropped: number; droppedOverloaded: number } {
    return { sent: this.events.sent, dropped: this.events.dropped, droppedOverloaded: this.events.droppedOverloaded };
  }
}
