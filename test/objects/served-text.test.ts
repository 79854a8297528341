// servedText: a stored object's JSON text as ObjectService.served() would
// serve it. Texts that already name the served kind and apiVersion pass
// through as the very same string; the rest are rewritten, never mistaken.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { servedText } from '../../src/objects/served-text.js';
import { openTestStore, pod, podsIn } from '../store/helpers.js';

const asPodV1 = servedText('v1', 'Pod');

/** What served() gives for the parsed text, serialised. */
const viaParse = (text: string, apiVersion: string, kind: string): string => JSON.stringify({ ...(JSON.parse(text) as object), apiVersion, kind });

describe('servedText', () => {
  const cases: [string, string, string, string, boolean][] = [
    // name, stored text (jsonb's output form), served apiVersion, kind, passes through
    ['a pod stored as v1 passes through', '{"kind": "Pod", "spec": {}, "metadata": {"name": "a"}, "apiVersion": "v1"}', 'v1', 'Pod', true],
    ['only kind and apiVersion', '{"kind": "Pod", "apiVersion": "v1"}', 'v1', 'Pod', true],
    ['stored under another version is rewritten', '{"kind": "HorizontalPodAutoscaler", "spec": {}, "apiVersion": "autoscaling/v2"}', 'autoscaling/v1', 'HorizontalPodAutoscaler', false],
    ['another kind is rewritten', '{"kind": "Pod", "apiVersion": "v1"}', 'v1', 'Binding', false],
    ['a shorter key before kind (ConfigMap data) is parsed', '{"data": {"kind": "x"}, "kind": "ConfigMap", "metadata": {}, "apiVersion": "v1"}', 'v1', 'ConfigMap', false],
    ['keys longer than apiVersion (Event) are parsed', '{"kind": "Event", "apiVersion": "v1", "involvedObject": {"apiVersion": "v1"}}', 'v1', 'Event', false],
    ['apiVersion only inside the last member is not the top level one', '{"kind": "Pod", "zzzzzzzzzzzz": {"x": 1, "apiVersion": "v1"}}', 'v1', 'Pod', false],
    ['a key ending in apiVersion is not apiVersion', '{"kind": "Pod", "apiVersion": "v2", "x\\", \\"apiVersion": "v1"}', 'v1', 'Pod', false],
    ['a kind value only starting with the kind', '{"kind": "PodX", "apiVersion": "v1"}', 'v1', 'Pod', false],
    ['no kind or apiVersion at all', '{"metadata": {"name": "a"}}', 'v1', 'Pod', false],
  ];
  for (const [name, text, apiVersion, kind, passes] of cases) {
    it(name, () => {
      const served = servedText(apiVersion, kind)(text);
      assert.equal(served === text, passes);
      // Either way: what served() would give, member for member and in order.
      assert.equal(JSON.stringify(JSON.parse(served)), viaParse(text, apiVersion, kind));
    });
  }

  describe('on PostgreSQL\'s own jsonb text', () => {
    const store = openTestStore();
    after(() => store.close());

    it('a stored pod passes through unchanged (the fast path is taken)', async () => {
      const pods = podsIn();
      await store.create(pods, pod('a', { labels: { app: 'web' }, status: { phase: 'Pending' } }));
      const [text] = (await store.listJson(pods)).items;
      assert.ok(text !== undefined);
      assert.ok(text.startsWith('{"kind": "Pod", '), text);
      assert.equal(asPodV1(text), text);
    });
  });
});
