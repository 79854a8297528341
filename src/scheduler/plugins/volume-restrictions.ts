// VolumeRestrictions: volumes that only one pod may use read-write at a time.
//   - In-tree disks (GCE PD, AWS EBS, RBD, iSCSI) mounted by a pod on the node
//     conflict unless every user mounts them read-only (EBS: always).
//   - A PersistentVolumeClaim with access mode ReadWriteOncePod already used by
//     any pod in the cluster rules out every node.

import type { Volume } from '../../kube/types.js';
import { SKIP, stateKey, status, type Plugin, type StateData, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

export const NAME = 'VolumeRestrictions';
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
export const claimNotFoundReason = (name: string): string => `persistentvolumeclaim "${name}" not found`;

const DISK_CONFLICT: Status = status('Unschedulable', ERR_REASON_DISK_CONFLICT);
const RWOP_CONFLICT: Status = status('Unschedulable', ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT);

const needsRestrictionsCheck = (v: Volume): boolean => v.gcePersistentDisk !== undefined || v.awsElasticBlockStore !== undefined || v.rbd !== undefined || v.iscsi !== undefined;

function overlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const set = new Set(a ?? []);
  return (b ?? []).some((m) => set.has(m));
}

/** isVolumeConflict: `volume` cannot be mounted next to the volumes of `existing`. */
export function volumeConflicts(volume: Volume, existing: PodInfo): boolean {
  for (const other of existing.pod.spec?.volumes ?? []) {
    const gce = volume.gcePersistentDisk;
    const otherGce = other.gcePersistentDisk;
    if (gce && otherGce && gce.pdName === otherGce.pdName && !(gce.readOnly && otherGce.readOnly)) return true;
    if (volume.awsElasticBlockStore && other.awsElasticBlockStore && volume.awsElasticBlockStore.volumeID === other.awsElasticBlockStore.volumeID) return true;
    const iscsi = volume.iscsi;
    const otherIscsi = other.iscsi;
    if (iscsi && otherIscsi && iscsi.iqn === otherIscsi.iqn && !(iscsi.readOnly && otherIscsi.readOnly)) return true;
    const rbd = volume.rbd;
    const otherRbd = other.rbd;
    if (rbd && otherRbd && overlap(rbd.monitors, otherRbd.monitors) && (rbd.pool ?? 'rbd') === (otherRbd.pool ?? 'rbd') && rbd.image === otherRbd.image && !(rbd.readOnly && otherRbd.readOnly)) return true;
  }
  return false;
}

class PreFilterState implements StateData {
  constructor(
    readonly readWriteOncePodClaims: ReadonlySet<string>,
    public conflictingClaimRefCount: number,
  ) {}
  clone(): PreFilterState {
    return new PreFilterState(this.readWriteOncePodClaims, this.conflictingClaimRefCount);
  }
  update(other: PodInfo, by: 1 | -1): void {
    for (const claim of other.claimKeys) if (this.readWriteOncePodClaims.has(claim)) this.conflictingClaimRefCount += by;
  }
}
const PRE_FILTER = stateKey<PreFilterState>(`PreFilter${NAME}`);

function diskConflict(pod: PodInfo, node: NodeInfo): boolean {
  for (const v of pod.pod.spec?.volumes ?? []) {
    if (!needsRestrictionsCheck(v)) continue;
    for (const existing of node.pods) if (volumeConflicts(v, existing)) return true;
  }
  return false;
}

export function volumeRestrictions(): Plugin {
  return {
    name: NAME,
    preFilter(state, pod, cluster) {
      const volumes = pod.pod.spec?.volumes ?? [];
      const needsCheck = volumes.some(needsRestrictionsCheck);
      const rwop = new Set<string>();
      let conflicting = 0;
      const lookup = cluster.listers.persistentVolumeClaim;
      if (lookup !== undefined) {
        for (const v of volumes) {
          if (v.persistentVolumeClaim === undefined) continue;
          const name = v.persistentVolumeClaim.claimName;
          const claim = lookup(pod.namespace, name);
          if (claim === undefined) return { status: status('UnschedulableAndUnresolvable', claimNotFoundReason(name)) };
          if (!(claim.spec?.accessModes ?? []).includes('ReadWriteOncePod')) continue;
          const key = `${pod.namespace}/${name}`;
          rwop.add(key);
          if (cluster.claimUsers(key) > 0) conflicting++;
        }
      }
      if (!needsCheck && conflicting === 0) return { status: SKIP };
      state.write(PRE_FILTER, new PreFilterState(rwop, conflicting));
      return null;
    },
    addPod(state, _pod, added) {
      state.read(PRE_FILTER)?.update(added, 1);
    },
    removePod(state, _pod, removed) {
      state.read(PRE_FILTER)?.update(removed, -1);
    },
    filter(state, pod, node) {
      if (diskConflict(pod, node)) return DISK_CONFLICT;
      const s = state.read(PRE_FILTER);
      if (s !== undefined && s.conflictingClaimRefCount > 0) return RWOP_CONFLICT;
      return null;
    },
    events: [
      { resource: 'AssignedPod', actions: ['Delete'] },
      { resource: 'PersistentVolumeClaim', actions: ['Add', 'Update'] },
      { resource: 'Node', actions: ['Add'] },
    ],
  };
}
