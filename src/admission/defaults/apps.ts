// apps/v1 defaults (pkg/apis/apps/v1/defaults.go): Deployment, ReplicaSet,
// StatefulSet and DaemonSet, each with its pod template.

import { ensureObject, objectAt, objectsAt, setDefault, setDefaultString, type JsonObject } from '../json.js';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod-spec.js';

export function defaultDeployment(deployment: JsonObject): void {
  const spec = ensureObject(deployment, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', '25%');
    setDefault(rollingUpdate, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(ensureObject(spec, 'template'));
}

export function defaultReplicaSet(replicaSet: JsonObject): void {
  const spec = ensureObject(replicaSet, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(ensureObject(spec, 'template'));
}

export function defaultDaemonSet(daemonSet: JsonObject): void {
  const spec = ensureObject(daemonSet, 'spec');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
    setDefault(rollingUpdate, 'maxUnavailable', 1);
    setDefault(rollingUpdate, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensureObject(spec, 'template'));
}

export function defaultStatefulSet(statefulSet: JsonObject): void {
  const spec = ensureObject(statefulSet, 'spec');
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
    strategy.type = 'RollingUpdate';
    setDefault(strategy, 'rollingUpdate', {});
  }
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (strategy.type === 'RollingUpdate' && rollingUpdate !== undefined) setDefault(rollingUpdate, 'partition', 0);
  // StatefulSetAutoDeletePVC is GA (1.32): the retention policy is always filled in.
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(ensureObject(spec, 'template'));
  for (const [claim] of objectsAt(spec, 'volumeClaimTemplates')) {
    // The v1 conversion stamps type meta on claim templates; Go prints their zero creationTimestamp as null.
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    const claimMeta = ensureObject(claim, 'metadata');
    if (!('creationTimestamp' in claimMeta)) claimMeta.creationTimestamp = null;
    defaultPersistentVolumeClaimSpec(ensureObject(claim, 'spec'));
    setDefaultString(ensureObject(claim, 'status'), 'phase', 'Pending');
  }
}
