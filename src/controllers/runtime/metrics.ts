// Controller metrics in Prometheus text format (exposition 0.0.4), named as
// client-go's workqueue metrics (labelled by queue `name`) and
// controller-runtime's reconcile metrics (labelled by `controller`). Written
// here rather than pulled from prom-client: the handful of counters and
// histograms below is all the controller manager exposes.

// client-go's workqueue histograms: ExponentialBuckets(10e-9, 10, 10).
const WORKQUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];

/** A cumulative histogram: counts[i] counts observations ≤ buckets[i]. */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.buckets.length; i += 1) if (value <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] ?? 0) + 1;
  }
}

export type ReconcileOutcome = 'success' | 'requeue_after' | 'error' | 'terminal';

export interface MetricsSnapshot {
  controller: string;
  reconciles: number;
  errors: number;
  adds: number;
  retries: number;
  durationSeconds: { sum: number; count: number };
}

interface ControllerStats {
  results: Map<ReconcileOutcome, number>;
  errors: number;
  adds: number;
  retries: number;
  reconcileTime: Histogram;
  workDuration: Histogram;
  queueDuration: Histogram;
}

/** Label values escaped as the text format requires (backslash, quote, newline). */
export function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export class ControllerMetrics {
  private readonly stats = new Map<string, ControllerStats>();

  private of(controller: string): ControllerStats {
    let s = this.stats.get(controller);
    if (s === undefined) {
      s = {
        results: new Map(),
        errors: 0,
        adds: 0,
        retries: 0,
        reconcileTime: new Histogram(RECONCILE_BUCKETS),
        workDuration: new Histogram(WORKQUEUE_BUCKETS),
        queueDuration: new Histogram(WORKQUEUE_BUCKETS),
      };
      this.stats.set(controller, s);
    }
    return s;
  }

  /** Makes a controller's series exist (at zero) before its first reconcile. */
  register(controller: string): void {
    this.of(controller);
  }

  /**
   * A reconcile job taken off the queue, `waitedSeconds` after it was added.
   * Counted by the process that takes it (as client-go counts an add that is
   * not absorbed by an already queued key), so the sum over all controller
   * managers is the number of jobs the queue held.
   */
  dequeued(controller: string, waitedSeconds: number): void {
    const s = this.of(controller);
    s.adds += 1;
    s.queueDuration.observe(Math.max(0, waitedSeconds));
  }

  /** A failed reconcile put back with backoff (client-go's AddRateLimited). */
  retried(controller: string): void {
    this.of(controller).retries += 1;
  }

  observe(controller: string, outcome: ReconcileOutcome, seconds: number): void {
    const s = this.of(controller);
    s.results.set(outcome, (s.results.get(outcome) ?? 0) + 1);
    if (outcome === 'error' || outcome === 'terminal') s.errors += 1;
    s.reconcileTime.observe(seconds);
    s.workDuration.observe(seconds);
  }

  snapshot(): MetricsSnapshot[] {
    return [...this.stats].map(([controller, s]) => ({
      controller,
      reconciles: [...s.results.values()].reduce((a, b) => a + b, 0),
      errors: s.errors,
      adds: s.adds,
      retries: s.retries,
      durationSeconds: { sum: s.reconcileTime.sum, count: s.reconcileTime.count },
    }));
  }

  /** Prometheus text exposition; `depths` are the current queue depths per controller. */
  render(depths: ReadonlyMap<string, number> = new Map()): string {
    const out: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void => void out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const histogram = (name: string, labels: string, h: Histogram): void => {
      h.buckets.forEach((le, i) => out.push(`${name}_bucket{${labels},le="${number(le)}"} ${h.counts[i] ?? 0}`));
      out.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}`, `${name}_sum{${labels}} ${number(h.sum)}`, `${name}_count{${labels}} ${h.count}`);
    };
    const controllers = [...this.stats].map(([name, s]) => ({ label: labelValue(name), s }));

    family('workqueue_depth', 'gauge', 'Current depth of workqueue');
    for (const [name, depth] of depths) out.push(`workqueue_depth{name="${labelValue(name)}"} ${depth}`);
    family('workqueue_adds_total', 'counter', 'Total number of adds handled by workqueue');
    for (const { label, s } of controllers) out.push(`workqueue_adds_total{name="${label}"} ${s.adds}`);
    family('workqueue_retries_total', 'counter', 'Total number of retries handled by workqueue');
    for (const { label, s } of controllers) out.push(`workqueue_retries_total{name="${label}"} ${s.retries}`);
    family('workqueue_queue_duration_seconds', 'histogram', 'How long in seconds an item stays in workqueue before being requested.');
    for (const { label, s } of controllers) histogram('workqueue_queue_duration_seconds', `name="${label}"`, s.queueDuration);
    family('workqueue_work_duration_seconds', 'histogram', 'How long in seconds processing an item from workqueue takes.');
    for (const { label, s } of controllers) histogram('workqueue_work_duration_seconds', `name="${label}"`, s.workDuration);

    family('controller_runtime_reconcile_total', 'counter', 'Total number of reconciliations per controller');
    for (const { label, s } of controllers) for (const [result, n] of s.results) out.push(`controller_runtime_reconcile_total{controller="${label}",result="${result}"} ${n}`);
    family('controller_runtime_reconcile_errors_total', 'counter', 'Total number of reconciliation errors per controller');
    for (const { label, s } of controllers) out.push(`controller_runtime_reconcile_errors_total{controller="${label}"} ${s.errors}`);
    family('controller_runtime_reconcile_time_seconds', 'histogram', 'Length of time per reconciliation per controller');
    for (const { label, s } of controllers) histogram('controller_runtime_reconcile_time_seconds', `controller="${label}"`, s.reconcileTime);
    return `${out.join('\n')}\n`;
  }
}
