import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolumeClaim, Volume } from '../../../src/kube/types.js';
import { ERR_REASON_DISK_CONFLICT, ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT, volumeRestrictions } from '../../../src/scheduler/plugins/volume-restrictions.js';
import { filterVerdicts, makeNode, makePod, snapshotOf, verdict } from '../fixtures.js';

const withVolumes = (name: string, volumes: Volume[], nodeName?: string) => makePod(name, { spec: { volumes }, ...(nodeName ? { nodeName } : {}) });

describe('VolumeRestrictions', () => {
  const conflict = `Unschedulable: ${ERR_REASON_DISK_CONFLICT}`;
  const cases: { name: string; existing: Volume[]; wanted: Volume[]; want: string }[] = [
    { name: 'a pod without restricted volumes skips the plugin', existing: [], wanted: [{ name: 'tmp' }], want: 'skip' },
    { name: 'the same GCE disk mounted read-write twice conflicts', existing: [{ gcePersistentDisk: { pdName: 'd1' } }], wanted: [{ gcePersistentDisk: { pdName: 'd1' } }], want: conflict },
    { name: 'the same GCE disk read-only on both sides fits', existing: [{ gcePersistentDisk: { pdName: 'd1', readOnly: true } }], wanted: [{ gcePersistentDisk: { pdName: 'd1', readOnly: true } }], want: 'fits' },
    { name: 'another GCE disk fits', existing: [{ gcePersistentDisk: { pdName: 'd1' } }], wanted: [{ gcePersistentDisk: { pdName: 'd2' } }], want: 'fits' },
    { name: 'an EBS volume conflicts even read-only', existing: [{ awsElasticBlockStore: { volumeID: 'v1', readOnly: true } }], wanted: [{ awsElasticBlockStore: { volumeID: 'v1', readOnly: true } }], want: conflict },
    { name: 'the same iSCSI target read-write conflicts', existing: [{ iscsi: { iqn: 'iqn.1' } }], wanted: [{ iscsi: { iqn: 'iqn.1', readOnly: true } }], want: conflict },
    {
      name: 'the same RBD image on a shared monitor conflicts',
      existing: [{ rbd: { monitors: ['m1', 'm2'], image: 'img' } }],
      wanted: [{ rbd: { monitors: ['m2'], pool: 'rbd', image: 'img' } }],
      want: conflict,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1')], [withVolumes('existing', c.existing, 'n1')]);
      assert.equal(verdict(volumeRestrictions(), withVolumes('p', c.wanted), cluster, 'n1'), c.want);
    });
  }

  const claims: Record<string, PersistentVolumeClaim> = {
    'default/solo': { metadata: { name: 'solo', namespace: 'default' }, spec: { accessModes: ['ReadWriteOncePod'] } },
    'default/shared': { metadata: { name: 'shared', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'] } },
  };
  const listers = { persistentVolumeClaim: (ns: string, name: string) => claims[`${ns}/${name}`] };
  const claimVolume = (claimName: string): Volume => ({ name: 'data', persistentVolumeClaim: { claimName } });

  it('a ReadWriteOncePod claim already in use rules out every node', () => {
    const cluster = snapshotOf([makeNode('n1'), makeNode('n2')], [withVolumes('owner', [claimVolume('solo')], 'n1')], listers);
    const v = filterVerdicts(volumeRestrictions(), withVolumes('p', [claimVolume('solo')]), cluster);
    for (const node of ['n1', 'n2']) assert.deepEqual(v[node], { code: 'Unschedulable', reasons: [ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT] });
  });

  it('a ReadWriteOncePod claim nobody uses fits, and so does a shared ReadWriteOnce claim', () => {
    const cluster = snapshotOf([makeNode('n1')], [withVolumes('owner', [claimVolume('shared')], 'n1')], listers);
    assert.equal(verdict(volumeRestrictions(), withVolumes('p', [claimVolume('solo')]), cluster, 'n1'), 'skip');
    assert.equal(verdict(volumeRestrictions(), withVolumes('q', [claimVolume('shared')]), cluster, 'n1'), 'skip');
  });

  it('a claim that does not exist makes the pod unschedulable everywhere', () => {
    const cluster = snapshotOf([makeNode('n1')], [], listers);
    assert.equal(verdict(volumeRestrictions(), withVolumes('p', [claimVolume('missing')]), cluster, 'n1'), 'UnschedulableAndUnresolvable: persistentvolumeclaim "missing" not found');
  });
});
