import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageLocality, imageLocalityScore, normalizedImageName } from '../../../src/scheduler/plugins/image-locality.js';
import { makeNode, makePod, scores, snapshotOf } from '../fixtures.js';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it('a node that has the image scores by its size, scaled by how many nodes have it', () => {
    const cluster = snapshotOf([makeNode('has', { images: [{ names: ['registry/app:1'], sizeBytes: 500 * MB }] }), makeNode('lacks')]);
    const pod = makePod('p', { containers: [{ name: 'c', image: 'registry/app:1' }] });
    // 500 MB on 1 of 2 nodes -> 250 MB -> 100 * (250 - 23) / (1000 - 23)
    assert.deepEqual(scores(imageLocality(), pod, cluster), { has: 23, lacks: 0 });
  });

  it('an image on every node is worth its full size', () => {
    const images = [{ names: ['app:latest'], sizeBytes: 800 * MB }];
    const cluster = snapshotOf([makeNode('a', { images }), makeNode('b', { images })]);
    assert.deepEqual(scores(imageLocality(), makePod('p', { containers: [{ name: 'c', image: 'app' }] }), cluster), { a: 79, b: 79 });
  });

  const table: { name: string; sum: number; containers: number; want: number }[] = [
    { name: 'below 23 MB scores 0', sum: 10 * MB, containers: 1, want: 0 },
    { name: 'a full GB per container scores 100', sum: 2000 * MB, containers: 2, want: 100 },
    { name: 'the range is per container', sum: 1000 * MB, containers: 2, want: 49 },
  ];
  for (const c of table) it(c.name, () => assert.equal(imageLocalityScore(c.sum, c.containers), c.want));

  it('an image without a tag means :latest, a digest or port is left alone', () => {
    assert.equal(normalizedImageName('nginx'), 'nginx:latest');
    assert.equal(normalizedImageName('localhost:5000/nginx'), 'localhost:5000/nginx:latest');
    assert.equal(normalizedImageName('nginx:1.27'), 'nginx:1.27');
    assert.equal(normalizedImageName('nginx@sha256:abc'), 'nginx@sha256:abc');
  });
});
