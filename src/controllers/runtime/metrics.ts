// Controller metrics, named as kube-controller-manager's workqueue and
// controller-runtime metrics: reconciles by result, errors, reconcile
// duration histogram and queue depth, rendered in Prometheus text format.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface ControllerStats {
  results: Map<string, number>;
  errors: number;
  durationCounts: number[];
  durationSum: number;
  durationCount: number;
}

export type ReconcileOutcome = 'success' | 'requeue_after' | 'error' | 'terminal';

export interface MetricsSnapshot {
  controller: string;
  reconciles: number;
  errors: number;
  durationSeconds: { sum: number; count: number };
}

export class ControllerMetrics {
  private readonly stats = new Map<string, ControllerStats>();

  private of(controller: string): ControllerStats {
    let s = this.stats.get(controller);
    if (s === undefined) {
      s = { results: new Map(), errors: 0, durationCounts: BUCKETS.map(() => 0), durationSum: 0, durationCount: 0 };
      this.stats.set(controller, s);
    }
    return s;
  }

  observe(controller: string, outcome: ReconcileOutcome, seconds: number): void {
    const s = this.of(controller);
    s.results.set(outcome, (s.results.get(outcome) ?? 0) + 1);
    if (outcome === 'error' || outcome === 'terminal') s.errors += 1;
    s.durationSum += seconds;
    s.durationCount += 1;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) s.durationCounts[i] = (s.durationCounts[i] ?? 0) + 1;
    });
  }

  snapshot(): MetricsSnapshot[] {
    return [...this.stats].map(([controller, s]) => ({
      controller,
      reconciles: [...s.results.values()].reduce((a, b) => a + b, 0),
      errors: s.errors,
      durationSeconds: { sum: s.durationSum, count: s.durationCount },
    }));
  }

  /** Prometheus text exposition; `depths` are the current queue depths per controller. */
  render(depths: ReadonlyMap<string, number> = new Map()): string {
    const lines: string[] = [];
    lines.push('# HELP controller_runtime_reconcile_total Total number of reconciliations per controller', '# TYPE controller_runtime_reconcile_total counter');
    for (const [c, s] of this.stats) for (const [result, n] of s.results) lines.push(`controller_runtime_reconcile_total{controller="${c}",result="${result}"} ${n}`);
    lines.push('# HELP controller_runtime_reconcile_errors_total Total number of reconciliation errors per controller', '# TYPE controller_runtime_reconcile_errors_total counter');
    for (const [c, s] of this.stats) lines.push(`controller_runtime_reconcile_errors_total{controller="${c}"} ${s.errors}`);
    lines.push('# HELP controller_runtime_reconcile_time_seconds Length of time per reconciliation per controller', '# TYPE controller_runtime_reconcile_time_seconds histogram');
    for (const [c, s] of this.stats) {
      BUCKETS.forEach((le, i) => lines.push(`controller_runtime_reconcile_time_seconds_bucket{controller="${c}",le="${le}"} ${s.durationCounts[i] ?? 0}`));
      lines.push(`controller_runtime_reconcile_time_seconds_bucket{controller="${c}",le="+Inf"} ${s.durationCount}`);
      lines.push(`controller_runtime_reconcile_time_seconds_sum{controller="${c}"} ${s.durationSum}`);
      lines.push(`controller_runtime_reconcile_time_seconds_count{controller="${c}"} ${s.durationCount}`);
    }
    lines.push('# HELP workqueue_depth Current depth of workqueue', '# TYPE workqueue_depth gauge');
    for (const [c, depth] of depths) lines.push(`workqueue_depth{name="${c}"} ${depth}`);
    return `${lines.join('\n')}\n`;
  }
}
