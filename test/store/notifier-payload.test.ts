import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clustersInPayload } from '../../src/store/notifier.js';

describe('change notification payloads', () => {
  it('name each cluster with the version it reached, so a listener already past it can skip the read', () => {
    assert.deepEqual(clustersInPayload('default\t42\nteam-a\t7'), [
      { cluster: 'default', rv: 42 },
      { cluster: 'team-a', rv: 7 },
    ]);
  });

  it('still wake for a bare cluster name, as a writer without versions sends', () => {
    assert.deepEqual(clustersInPayload('default\nteam-a\t9'), [{ cluster: 'default' }, { cluster: 'team-a', rv: 9 }]);
    assert.deepEqual(clustersInPayload(''), []);
    assert.deepEqual(clustersInPayload(undefined), []);
  });
});
