// DefaultTolerationSeconds admission: a created Pod tolerates not-ready and
// unreachable nodes for 300 s unless it already says how it tolerates them.

import { arrayAt, ensureObject, isObject, stringAt, type JsonObject } from '../json.js';

export const DEFAULT_TOLERATION_SECONDS = 300;
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

export function addDefaultTolerations(pod: JsonObject, seconds: number = DEFAULT_TOLERATION_SECONDS): void {
  const spec = ensureObject(pod, 'spec');
  const tolerations = (arrayAt(spec, 'tolerations') ?? []).filter(isObject);
  const tolerates = (key: string): boolean =>
    tolerations.some((t) => {
      const k = stringAt(t, 'key') ?? '';
      const effect = stringAt(t, 'effect') ?? '';
      return (k === key || k === '') && (effect === 'NoExecute' || effect === '');
    });
  const added: JsonObject[] = [];
  for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(key)) added.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: seconds });
  }
  if (added.length > 0) spec.tolerations = [...(arrayAt(spec, 'tolerations') ?? []), ...added];
}
