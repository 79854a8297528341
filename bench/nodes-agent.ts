// The agent side of `npm run bench:nodes`: one node agent process (the same
// code `kubeql node-agent` runs) that prints its counters once a second.
import { startNodeAgent } from '../src/node/start.js';
import { createLogger } from '../src/log.js';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;

const running = await startNodeAgent({
  apiUrl: env('BENCH_API_URL', ''),
  token: env('BENCH_TOKEN', ''),
  log: createLogger('warn'),
  nodes: Number(env('BENCH_NODES', '1000')),
  namePrefix: 'bench',
  // 1,000 nodes need more /24 podCIDRs than 10.244.0.0/16 holds.
  clusterCidr: '10.0.0.0/8',
  nodeAddressCidr: '172.16.0.0/12',
  ...(process.env.BENCH_EVENT_QPS ? { eventQps: Number(process.env.BENCH_EVENT_QPS) } : {}),
});
// The agent's own view of bind to Running: from the watch event that shows it
// a pod bound to one of its nodes to the status write that says Running.
const seenAt = new Map<string, number>();
const agentBindToRunning: number[] = [];
running.agent.onPodBound = (key) => void seenAt.set(key, Date.now());
running.agent.onPodRunning = (key) => {
  const seen = seenAt.get(key);
  if (seen !== undefined) agentBindToRunning.push(Date.now() - seen);
  seenAt.delete(key);
};
const percentiles = (): { p50: number; p99: number } => {
  const sorted = [...agentBindToRunning].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { p50: at(50), p99: at(99) };
};
const report = (): void => {
  process.stdout.write(`${JSON.stringify({ stats: { leaseRequests: running.agent.leaseRequests, requests: running.client.requests, pods: running.agent.podCount, lastLeaseRenewalMs: running.agent.lastLeaseRenewalMs, leaseTicksSkipped: running.agent.leaseTicksSkipped, statusRequests: running.agent.statusRequests, statusWrites: running.agent.statusWrites, events: running.agent.eventCounts, agentBindToRunningMs: percentiles() } })}\n`);
};
report();
const timer = setInterval(report, 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  void running.stop().then(() => process.exit(0));
});
