import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerPort } from '../../../src/kube/types.js';
import { ERR_REASON, nodePorts } from '../../../src/scheduler/plugins/node-ports.js';
import { makeNode, makePod, snapshotOf, verdict } from '../fixtures.js';

const withPorts = (name: string, ports: ContainerPort[], nodeName?: string) =>
  makePod(name, { containers: [{ name: 'c', image: 'x', ports }], ...(nodeName ? { nodeName } : {}) });

describe('NodePorts', () => {
  const conflict = `Unschedulable: ${ERR_REASON}`;
  const cases: { name: string; existing: ContainerPort[]; wanted: ContainerPort[]; want: string }[] = [
    { name: 'a pod without host ports skips the check', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ containerPort: 80 }], want: 'skip' },
    { name: 'a free host port fits', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ hostPort: 8080, containerPort: 80 }], want: 'fits' },
    { name: 'the same host port and protocol conflicts', existing: [{ hostPort: 80, containerPort: 80 }], wanted: [{ hostPort: 80, containerPort: 8080 }], want: conflict },
    { name: 'the same port over another protocol fits', existing: [{ hostPort: 53, protocol: 'UDP' }], wanted: [{ hostPort: 53, protocol: 'TCP' }], want: 'fits' },
    { name: 'an unset protocol means TCP', existing: [{ hostPort: 53, protocol: 'TCP' }], wanted: [{ hostPort: 53 }], want: conflict },
    { name: 'different specific host IPs do not conflict', existing: [{ hostPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, hostIP: '10.0.0.2' }], want: 'fits' },
    { name: 'a specific IP conflicts with a port already bound on 0.0.0.0', existing: [{ hostPort: 80 }], wanted: [{ hostPort: 80, hostIP: '10.0.0.2' }], want: conflict },
    { name: 'binding 0.0.0.0 conflicts with a port bound on a specific IP', existing: [{ hostPort: 80, hostIP: '10.0.0.1' }], wanted: [{ hostPort: 80, hostIP: '0.0.0.0' }], want: conflict },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cluster = snapshotOf([makeNode('n1')], [withPorts('existing', c.existing, 'n1')]);
      assert.equal(verdict(nodePorts(), withPorts('p', c.wanted), cluster, 'n1'), c.want);
    });
  }

  it('a port frees up when the pod holding it is deleted', () => {
    const existing = withPorts('existing', [{ hostPort: 80 }], 'n1');
    const cluster = snapshotOf([makeNode('n1')], [existing]);
    cluster.removePod(existing.metadata.uid as string);
    assert.equal(verdict(nodePorts(), withPorts('p', [{ hostPort: 80 }]), cluster, 'n1'), 'fits');
  });
});
