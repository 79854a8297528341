import type { Redis } from 'ioredis';
import { StartupError } from '../startup-error.js';

/**
 * Refuses a Redis that may evict keys: BullMQ's keys must never be evicted
 * (ARCHITECTURE.md trap 4). Managed Redis that hides CONFIG is accepted with
 * `unknown`; the operator is then responsible for the policy.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<'noeviction' | 'unknown'> {
  let policy: string | undefined;
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    return 'unknown';
  }
  if (policy === undefined) return 'unknown';
  if (policy !== 'noeviction') {
    throw new StartupError(`Redis maxmemory-policy is ${policy}; kubeql's queues need noeviction (set it with CONFIG SET maxmemory-policy noeviction)`);
  }
  return 'noeviction';
}
