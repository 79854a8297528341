// Builds src/api/openapi/definitions.json: the OpenAPI (v3 style) schemas of
// every type the served group/versions use, from the published Kubernetes
// definitions in the kubernetes-models and @kubernetes-models/apimachinery
// packages (generated from Kubernetes 1.33's OpenAPI). Regenerate after
// upgrading those packages or adding a served group/version to the registry:
//
//   node --import tsx scripts/build-openapi.ts [output-file]
//
// (The output file defaults to src/api/openapi/definitions.json; a test
// regenerates into a temporary file and compares, so a stale file fails CI.)
//
// Sources, all local and deterministic:
//   - the packages' .d.ts files, read with the TypeScript compiler API: types,
//     required fields, descriptions, enums, references between definitions;
//   - the packages' compiled validators (_schemas/*.mjs), probed to recover
//     what the declarations lose: integer vs number, and formats (int32,
//     int64, double, byte, date-time);
//   - UPSTREAM_MARKERS below: the list/map/patch markers of k8s.io/api and
//     k8s.io/apimachinery v0.33.0 Go types (+listType, +listMapKey, +mapType,
//     +structType, patchStrategy, patchMergeKey struct tags), which become
//     x-kubernetes-list-type, -list-map-keys, -map-type, -patch-strategy and
//     -patch-merge-key exactly where upstream's OpenAPI has them.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { builtinRegistry } from '../src/api/resources/registry.js';

type Schema = { [key: string]: unknown };

interface Gvk {
  group: string;
  kind: string;
  version: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'src/api/openapi/definitions.json'));
const require = createRequire(import.meta.url);
const MODELS = path.dirname(require.resolve('kubernetes-models/package.json'));
const APIMACHINERY = path.join(path.dirname(MODELS), '@kubernetes-models/apimachinery');
const REF_PREFIX = '#/components/schemas/';

// ---------------------------------------------------------------------------
// Upstream markers (k8s.io/api and k8s.io/apimachinery v0.33.0), per
// definition and field. `list`: x-kubernetes-list-type; `keys`:
// x-kubernetes-list-map-keys; `map`: x-kubernetes-map-type (the '' field is the
// type itself: +structType/+mapType on the type); `patch`/`mergeKey`:
// x-kubernetes-patch-strategy / -merge-key.
interface Marker {
  list?: 'atomic' | 'set' | 'map';
  keys?: string[];
  map?: 'atomic' | 'granular';
  patch?: string;
  mergeKey?: string;
}
type M = Record<string, Marker>;
const atomic: Marker = { list: 'atomic' };
const byName: Marker = { list: 'map', keys: ['name'], patch: 'merge', mergeKey: 'name' };
const byType: Marker = { list: 'map', keys: ['type'], patch: 'merge', mergeKey: 'type' };

// Extracted from the Go sources at v0.33.0 (core, apps, batch, autoscaling v1/v2,
// networking, coordination, storage, discovery, events, rbac, authorization,
// authentication, policy, scheduling; apimachinery meta/v1).
const UPSTREAM_MARKERS: Record<string, M> = {
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions: byType },
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { patch: 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions: byType },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions: byType },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions: byType },
  'io.k8s.api.authentication.v1.TokenRequestSpec': { audiences: atomic },
  'io.k8s.api.authentication.v1.TokenReviewSpec': { audiences: atomic },
  'io.k8s.api.authentication.v1.TokenReviewStatus': { audiences: atomic },
  'io.k8s.api.authentication.v1.UserInfo': { groups: atomic },
  'io.k8s.api.authorization.v1.FieldSelectorAttributes': { requirements: atomic },
  'io.k8s.api.authorization.v1.LabelSelectorAttributes': { requirements: atomic },
  'io.k8s.api.authorization.v1.NonResourceRule': { verbs: atomic, nonResourceURLs: atomic },
  'io.k8s.api.authorization.v1.ResourceRule': { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic },
  'io.k8s.api.authorization.v1.SubjectAccessReviewSpec': { groups: atomic },
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': { resourceRules: atomic, nonResourceRules: atomic },
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference': { '': { map: 'atomic' } },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { policies: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { currentMetrics: atomic, conditions: byType },
  'io.k8s.api.batch.v1.CronJobStatus': { active: atomic },
  'io.k8s.api.batch.v1.JobStatus': { conditions: { list: 'atomic', patch: 'merge', mergeKey: 'type' } },
  'io.k8s.api.batch.v1.PodFailurePolicy': { rules: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: { list: 'set' } },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': { onPodConditions: atomic },
  'io.k8s.api.batch.v1.SuccessPolicy': { rules: atomic },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': { succeeded: { list: 'set' }, failed: { list: 'set' } },
  'io.k8s.api.core.v1.AvoidPods': { preferAvoidPods: atomic },
  'io.k8s.api.core.v1.Capabilities': { add: atomic, drop: atomic },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.CephFSVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.ComponentStatus': { conditions: byType },
  'io.k8s.api.core.v1.ConfigMapKeySelector': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.ConfigMapProjection': { items: atomic },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.Container': { command: atomic, args: atomic, ports: { list: 'map', keys: ['containerPort', 'protocol'], patch: 'merge', mergeKey: 'containerPort' }, envFrom: atomic, env: byName, resizePolicy: atomic, volumeMounts: { list: 'map', keys: ['mountPath'], patch: 'merge', mergeKey: 'mountPath' }, volumeDevices: { list: 'map', keys: ['devicePath'], patch: 'merge', mergeKey: 'devicePath' } },
  'io.k8s.api.core.v1.ContainerImage': { names: atomic },
  'io.k8s.api.core.v1.ContainerStatus': { volumeMounts: { list: 'map', keys: ['mountPath'], patch: 'merge', mergeKey: 'mountPath' }, allocatedResourcesStatus: byName },
  'io.k8s.api.core.v1.DownwardAPIProjection': { items: atomic },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.EndpointAddress': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.EndpointPort': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'io.k8s.api.core.v1.Endpoints': { subsets: atomic },
  'io.k8s.api.core.v1.EphemeralContainerCommon': { command: atomic, args: atomic, ports: { list: 'map', keys: ['containerPort', 'protocol'], patch: 'merge', mergeKey: 'containerPort' }, envFrom: atomic, env: byName, resizePolicy: atomic, volumeMounts: { list: 'map', keys: ['mountPath'], patch: 'merge', mergeKey: 'mountPath' }, volumeDevices: { list: 'map', keys: ['devicePath'], patch: 'merge', mergeKey: 'devicePath' } },
  'io.k8s.api.core.v1.ExecAction': { command: atomic },
  'io.k8s.api.core.v1.FCVolumeSource': { targetWWNs: atomic, wwids: atomic },
  'io.k8s.api.core.v1.HTTPGetAction': { httpHeaders: atomic },
  'io.k8s.api.core.v1.HostAlias': { hostnames: atomic },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': { portals: atomic },
  'io.k8s.api.core.v1.ISCSIVolumeSource': { portals: atomic },
  'io.k8s.api.core.v1.LimitRangeSpec': { limits: atomic },
  'io.k8s.api.core.v1.LinuxContainerUser': { supplementalGroups: atomic },
  'io.k8s.api.core.v1.LoadBalancerIngress': { ports: atomic },
  'io.k8s.api.core.v1.LoadBalancerStatus': { ingress: atomic },
  'io.k8s.api.core.v1.LocalObjectReference': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.NamespaceSpec': { finalizers: atomic },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions: byType },
  'io.k8s.api.core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.NodeSelector': { '': { map: 'atomic' }, nodeSelectorTerms: atomic },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { values: atomic },
  'io.k8s.api.core.v1.NodeSelectorTerm': { '': { map: 'atomic' }, matchExpressions: atomic, matchFields: atomic },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: { list: 'set', patch: 'merge' }, taints: atomic },
  'io.k8s.api.core.v1.NodeStatus': { conditions: byType, addresses: byType, images: atomic, volumesInUse: atomic, volumesAttached: atomic, runtimeHandlers: atomic },
  'io.k8s.api.core.v1.ObjectFieldSelector': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.ObjectReference': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { accessModes: atomic },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': { accessModes: atomic, conditions: byType, allocatedResourceStatuses: { map: 'granular' } },
  'io.k8s.api.core.v1.PersistentVolumeSpec': { accessModes: atomic, mountOptions: atomic },
  'io.k8s.api.core.v1.PodAffinity': { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.PodAffinityTerm': { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  'io.k8s.api.core.v1.PodAntiAffinity': { requiredDuringSchedulingIgnoredDuringExecution: atomic, preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'io.k8s.api.core.v1.PodDNSConfig': { nameservers: atomic, searches: atomic, options: atomic },
  'io.k8s.api.core.v1.PodExecOptions': { command: atomic },
  'io.k8s.api.core.v1.PodPortForwardOptions': { ports: atomic },
  'io.k8s.api.core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'io.k8s.api.core.v1.PodSpec': { volumes: { list: 'map', keys: ['name'], patch: 'merge,retainKeys', mergeKey: 'name' }, initContainers: byName, containers: byName, ephemeralContainers: byName, nodeSelector: { map: 'atomic' }, imagePullSecrets: byName, tolerations: atomic, hostAliases: { list: 'map', keys: ['ip'], patch: 'merge', mergeKey: 'ip' }, readinessGates: atomic, topologySpreadConstraints: { list: 'map', keys: ['topologyKey', 'whenUnsatisfiable'], patch: 'merge', mergeKey: 'topologyKey' }, schedulingGates: byName, resourceClaims: { list: 'map', keys: ['name'], patch: 'merge,retainKeys', mergeKey: 'name' } },
  'io.k8s.api.core.v1.PodStatus': { conditions: byType, hostIPs: { list: 'atomic', patch: 'merge', mergeKey: 'ip' }, podIPs: { list: 'map', keys: ['ip'], patch: 'merge', mergeKey: 'ip' }, initContainerStatuses: atomic, containerStatuses: atomic, ephemeralContainerStatuses: atomic, resourceClaimStatuses: { list: 'map', keys: ['name'], patch: 'merge,retainKeys', mergeKey: 'name' } },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { sources: atomic },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.RBDVolumeSource': { monitors: atomic },
  'io.k8s.api.core.v1.ReplicationControllerSpec': { selector: { map: 'atomic' } },
  'io.k8s.api.core.v1.ReplicationControllerStatus': { conditions: byType },
  'io.k8s.api.core.v1.ResourceFieldSelector': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.ResourceQuotaSpec': { scopes: atomic },
  'io.k8s.api.core.v1.ResourceRequirements': { claims: { list: 'map', keys: ['name'] } },
  'io.k8s.api.core.v1.ResourceStatus': { resources: { list: 'map', keys: ['resourceID'] } },
  'io.k8s.api.core.v1.ScopeSelector': { '': { map: 'atomic' }, matchExpressions: atomic },
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': { values: atomic },
  'io.k8s.api.core.v1.SecretKeySelector': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.SecretProjection': { items: atomic },
  'io.k8s.api.core.v1.SecretReference': { '': { map: 'atomic' } },
  'io.k8s.api.core.v1.SecretVolumeSource': { items: atomic },
  'io.k8s.api.core.v1.ServiceAccount': { secrets: byName, imagePullSecrets: atomic },
  'io.k8s.api.core.v1.ServiceSpec': { ports: { list: 'map', keys: ['port', 'protocol'], patch: 'merge', mergeKey: 'port' }, selector: { map: 'atomic' }, clusterIPs: atomic, externalIPs: atomic, loadBalancerSourceRanges: atomic, ipFamilies: atomic },
  'io.k8s.api.core.v1.ServiceStatus': { conditions: byType },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': { values: atomic },
  'io.k8s.api.core.v1.TopologySelectorTerm': { '': { map: 'atomic' }, matchLabelExpressions: atomic },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'io.k8s.api.core.v1.TypedLocalObjectReference': { '': { map: 'atomic' } },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: { list: 'set' } },
  'io.k8s.api.discovery.v1.EndpointHints': { forZones: atomic, forNodes: atomic },
  'io.k8s.api.discovery.v1.EndpointPort': { '': { map: 'atomic' } },
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': { paths: atomic },
  'io.k8s.api.networking.v1.IPBlock': { except: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': { ports: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'io.k8s.api.networking.v1.IngressSpec': { tls: atomic, rules: atomic },
  'io.k8s.api.networking.v1.IngressTLS': { hosts: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': { ports: atomic, to: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': { ports: atomic, from: atomic },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  'io.k8s.api.networking.v1.ServiceBackendPort': { '': { map: 'atomic' } },
  'io.k8s.api.networking.v1.ServiceCIDRSpec': { cidrs: atomic },
  'io.k8s.api.networking.v1.ServiceCIDRStatus': { conditions: byType },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { selector: { patch: 'replace' } },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions: byType },
  'io.k8s.api.rbac.v1.AggregationRule': { clusterRoleSelectors: atomic },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: atomic },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.PolicyRule': { verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic },
  'io.k8s.api.rbac.v1.Role': { rules: atomic },
  'io.k8s.api.rbac.v1.RoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.RoleRef': { '': { map: 'atomic' } },
  'io.k8s.api.rbac.v1.Subject': { '': { map: 'atomic' } },
  'io.k8s.api.storage.v1.CSIDriverSpec': { volumeLifecycleModes: { list: 'set' }, tokenRequests: atomic },
  'io.k8s.api.storage.v1.CSINodeDriver': { topologyKeys: atomic },
  'io.k8s.api.storage.v1.CSINodeSpec': { drivers: byName },
  'io.k8s.api.storage.v1.StorageClass': { mountOptions: atomic, allowedTopologies: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': { versions: atomic, serverAddressByClientCIDRs: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': { groups: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': { shortNames: atomic, categories: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': { resources: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': { versions: atomic, serverAddressByClientCIDRs: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ApplyOptions': { dryRun: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.CreateOptions': { dryRun: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { dryRun: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement': { values: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { '': { map: 'atomic' }, matchExpressions: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { values: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { ownerReferences: { list: 'map', keys: ['uid'], patch: 'merge', mergeKey: 'uid' }, finalizers: { list: 'set', patch: 'merge' }, managedFields: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': { '': { map: 'atomic' } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.PatchOptions': { dryRun: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.RootPaths': { paths: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': { details: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': { causes: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Table': { columnDefinitions: atomic, rows: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.TableRow': { cells: atomic, conditions: atomic },
  'io.k8s.apimachinery.pkg.apis.meta.v1.UpdateOptions': { dryRun: atomic },
};

// ---------------------------------------------------------------------------
// Reading the declarations.

interface Declaration {
  name: string;
  file: string;
  node: ts.InterfaceDeclaration | ts.TypeAliasDeclaration;
  source: ts.SourceFile;
  /** The `_schemas` validator module for this definition. */
  validatorFile: string;
}

function listDts(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '_schemas' && entry.name !== 'node_modules') out.push(...listDts(full));
    } else if (entry.name.endsWith('.d.ts') && entry.name !== 'index.d.ts') {
      out.push(full);
    }
  }
  return out.sort();
}

/** The OpenAPI definition name for a declaration file: kubernetes-models/apps/v1/Deployment.d.ts -> io.k8s.api.apps.v1.Deployment. */
function definitionNameFor(file: string, typeName: string): string {
  if (file.startsWith(APIMACHINERY + path.sep)) {
    const dir = path.relative(APIMACHINERY, path.dirname(file)).split(path.sep).join('.');
    return `io.k8s.apimachinery.pkg.${dir}.${typeName}`;
  }
  const parts = path.relative(MODELS, path.dirname(file)).split(path.sep);
  if (parts.length === 1) return `io.k8s.api.core.${parts[0]}.${typeName}`;
  const [group = '', version = ''] = parts;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.${typeName}`;
  if (group === 'apiregistration.k8s.io') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}.${typeName}`;
  return `io.k8s.api.${group.split('.')[0] ?? group}.${version}.${typeName}`;
}

const squash = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** Every declaration in both packages, by the alias the declarations import each other by (IIoK8sApiCoreV1Pod). */
function readDeclarations(): Map<string, Declaration> {
  const byAlias = new Map<string, Declaration>();
  for (const file of [...listDts(MODELS), ...listDts(APIMACHINERY)]) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const locals = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
    for (const stmt of source.statements) {
      if ((ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) && stmt.name.text.startsWith('I')) locals.set(stmt.name.text, stmt);
    }
    for (const stmt of source.statements) {
      if (!ts.isExportDeclaration(stmt) || stmt.exportClause === undefined || !ts.isNamedExports(stmt.exportClause)) continue;
      for (const spec of stmt.exportClause.elements) {
        const local = spec.propertyName?.text;
        const alias = spec.name.text;
        if (local === undefined || !alias.startsWith('IIoK8s')) continue;
        const node = locals.get(local);
        if (node === undefined) continue;
        const name = definitionNameFor(file, local.slice(1));
        // The alias spells the upstream name without dots: check the two agree.
        if (squash(`I${name}`) !== squash(alias)) throw new Error(`${file}: ${alias} does not spell ${name}`);
        const validatorDir = file.startsWith(APIMACHINERY + path.sep) ? APIMACHINERY : MODELS;
        byAlias.set(alias, { name, file, node, source, validatorFile: path.join(validatorDir, '_schemas', `${alias.slice(1)}.mjs`) });
      }
    }
  }
  return byAlias;
}

/** The JSDoc text right before a node, as written (paragraphs, code indentation). */
function docOf(node: ts.Node, source: ts.SourceFile): string | undefined {
  const ranges = ts.getLeadingCommentRanges(source.text, node.pos) ?? [];
  const last = ranges.filter((r) => source.text.startsWith('/**', r.pos)).pop();
  if (last === undefined) return undefined;
  const raw = source.text.slice(last.pos + 3, last.end - 2);
  const lines = raw.split('\n').map((line) => line.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  // The package escapes `*/` and a `*` that could read as a comment line's star.
  const text = lines.join('\n').replace(/\*\\\//g, '*/').replace(/\\\*/g, '*');
  return text === '' ? undefined : text;
}

function propertyName(member: ts.PropertySignature): string {
  const n = member.name;
  if (ts.isStringLiteral(n) || ts.isIdentifier(n)) return n.text;
  throw new Error(`unexpected property name ${n.getText()}`);
}

// ---------------------------------------------------------------------------
// Converting declarations to schemas.

interface Context {
  byAlias: Map<string, Declaration>;
  /** Definitions reached so far (names); conversion follows references. */
  reached: Set<string>;
  queue: Declaration[];
  /** Member signatures of kinds, to recognize kinds the package inlined (StatefulSet volumeClaimTemplates). */
  kindSignatures: Map<string, string>;
}

function stringLiterals(node: ts.TypeNode): string[] | undefined {
  const members = ts.isUnionTypeNode(node) ? node.types : [node];
  const values: string[] = [];
  for (const m of members) {
    if (ts.isLiteralTypeNode(m) && ts.isStringLiteral(m.literal)) values.push(m.literal.text);
    else return undefined;
  }
  return values;
}

function refTo(ctx: Context, decl: Declaration): Schema {
  if (!ctx.reached.has(decl.name)) {
    ctx.reached.add(decl.name);
    ctx.queue.push(decl);
  }
  return { $ref: `${REF_PREFIX}${decl.name}` };
}

function memberSignature(members: readonly ts.TypeElement[]): string {
  return members
    .filter(ts.isPropertySignature)
    .map((m) => `${propertyName(m)}${m.questionToken ? '?' : ''}:${m.type?.getText() ?? ''}`)
    .filter((s) => !s.startsWith('apiVersion') && !s.startsWith('kind'))
    .sort()
    .join(';');
}

/** The schema of a type as it appears in a property, array item or map value. */
function typeSchema(ctx: Context, node: ts.TypeNode, where: string): Schema {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      // Refined to integer/number and a format by probing the validators.
      return { type: 'number' };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    default:
      break;
  }
  const literals = stringLiterals(node);
  if (literals !== undefined) return literals.length === 1 ? { type: 'string' } : { type: 'string', enum: literals };
  if (ts.isArrayTypeNode(node)) return { type: 'array', items: typeSchema(ctx, node.elementType, `${where}[]`) };
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === 'Array' && node.typeArguments?.length === 1 && node.typeArguments[0] !== undefined) {
      return { type: 'array', items: typeSchema(ctx, node.typeArguments[0], `${where}[]`) };
    }
    const decl = ctx.byAlias.get(name);
    if (decl === undefined) throw new Error(`${where}: unknown type ${name}`);
    return refTo(ctx, decl);
  }
  if (ts.isTypeLiteralNode(node)) {
    const index = node.members.find(ts.isIndexSignatureDeclaration);
    if (index !== undefined && node.members.length === 1) {
      return { type: 'object', additionalProperties: typeSchema(ctx, index.type, `${where}{}`) };
    }
    // A kind the package inlined: refer to the kind instead, as upstream does.
    const signature = memberSignature(node.members);
    const kind = [...ctx.kindSignatures.entries()].filter(([, s]) => s === signature);
    if (kind.length === 1 && kind[0] !== undefined) {
      const decl = [...ctx.byAlias.values()].find((d) => d.name === kind[0]?.[0]);
      if (decl) return refTo(ctx, decl);
    }
    throw new Error(`${where}: inline object type is not a known kind`);
  }
  if (ts.isParenthesizedTypeNode(node)) return typeSchema(ctx, node.type, where);
  throw new Error(`${where}: unsupported type ${node.getText()}`);
}

function gvkOf(members: readonly ts.TypeElement[]): Gvk | undefined {
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (const m of members) {
    if (!ts.isPropertySignature(m) || m.type === undefined) continue;
    const values = stringLiterals(m.type);
    if (values?.length !== 1) continue;
    if (propertyName(m) === 'apiVersion') apiVersion = values[0];
    if (propertyName(m) === 'kind') kind = values[0];
  }
  if (apiVersion === undefined || kind === undefined) return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', kind, version: apiVersion } : { group: apiVersion.slice(0, slash), kind, version: apiVersion.slice(slash + 1) };
}

function withMarkers(schema: Schema, marker: Marker | undefined): Schema {
  if (marker === undefined) return schema;
  const out = { ...schema };
  if (marker.list !== undefined) out['x-kubernetes-list-type'] = marker.list;
  if (marker.keys !== undefined) out['x-kubernetes-list-map-keys'] = marker.keys;
  if (marker.map !== undefined) out['x-kubernetes-map-type'] = marker.map;
  if (marker.patch !== undefined) out['x-kubernetes-patch-strategy'] = marker.patch;
  if (marker.mergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = marker.mergeKey;
  return out;
}

interface Standard {
  apiVersion: string;
  kind: string;
}

function convert(ctx: Context, decl: Declaration, standard: Standard): Schema {
  const description = docOf(decl.node, decl.source);
  const base: Schema = description === undefined ? {} : { description };
  const markers = UPSTREAM_MARKERS[decl.name] ?? {};
  const specialSchema = special(decl.name, base);
  if (specialSchema !== undefined) return specialSchema;
  if (ts.isTypeAliasDeclaration(decl.node)) {
    return { ...base, ...typeSchema(ctx, decl.node.type, decl.name) };
  }
  const members = decl.node.members.filter(ts.isPropertySignature);
  const gvk = gvkOf(members);
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const member of members) {
    const name = propertyName(member);
    if (member.type === undefined) continue;
    const isTypeMeta = gvk !== undefined && (name === 'apiVersion' || name === 'kind');
    let schema = isTypeMeta ? { type: 'string' } : typeSchema(ctx, member.type, `${decl.name}.${name}`);
    const doc = isTypeMeta ? (name === 'apiVersion' ? standard.apiVersion : standard.kind) : docOf(member, decl.source);
    // A reference with a description is wrapped in allOf, as upstream's v3 documents do.
    if (typeof schema.$ref === 'string' && doc !== undefined) schema = { allOf: [schema] };
    if (doc !== undefined) schema = { description: doc, ...schema };
    properties[name] = withMarkers(schema, markers[name]);
    if (member.questionToken === undefined && !isTypeMeta) required.push(name);
  }
  let schema: Schema = { ...base, type: 'object' };
  if (Object.keys(properties).length > 0) schema.properties = properties;
  if (required.length > 0) schema.required = required.sort();
  if (gvk !== undefined) schema['x-kubernetes-group-version-kind'] = [gvk];
  schema = withMarkers(schema, markers['']);
  return schema;
}

// ---------------------------------------------------------------------------
// Probing the compiled validators for what the declarations lose.

interface ValidationError {
  instancePath: string;
  keyword: string;
  params: { format?: string; type?: string };
}
type Validate = ((data: unknown) => boolean) & { errors?: ValidationError[] | null };

interface Leaf {
  /** Where the primitive sits: property name, then '[]' for array items, '{}' for map values. */
  path: string[];
  schema: Schema;
}

function leaves(schema: Schema, pathSoFar: string[]): Leaf[] {
  if (schema.type === 'number' || schema.type === 'string') return [{ path: pathSoFar, schema }];
  if (schema.type === 'array' && typeof schema.items === 'object' && schema.items !== null) return leaves(schema.items as Schema, [...pathSoFar, '[]']);
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) return leaves(schema.additionalProperties as Schema, [...pathSoFar, '{}']);
  return [];
}

function instanceAt(pathParts: string[], value: unknown): { data: unknown; pointer: string } {
  let data = value;
  let pointer = '';
  for (let i = pathParts.length - 1; i >= 1; i--) {
    if (pathParts[i] === '[]') {
      data = [data];
      pointer = `/0${pointer}`;
    } else {
      data = { k: data };
      pointer = `/k${pointer}`;
    }
  }
  return { data, pointer };
}

function probe(validate: Validate, property: string, pathParts: string[], value: unknown): ValidationError[] {
  const { data, pointer } = instanceAt(pathParts, value);
  validate({ [property]: data });
  const at = `/${property}${pointer}`;
  return (validate.errors ?? []).filter((e) => e.instancePath === at);
}

/** Sets integer/number and format on the primitive leaves of one definition. */
function refineWithValidator(validate: Validate, schema: Schema): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, prop] of Object.entries(properties)) {
    for (const leaf of leaves(prop, [name])) {
      if (leaf.schema.type === 'number') {
        if (probe(validate, name, leaf.path, 1.5).some((e) => e.keyword === 'type' && e.params.type === 'integer')) leaf.schema.type = 'integer';
        const format = probe(validate, name, leaf.path, 1).find((e) => e.keyword === 'format')?.params.format;
        if (format !== undefined) leaf.schema.format = format;
      } else {
        const format = probe(validate, name, leaf.path, 'x').find((e) => e.keyword === 'format')?.params.format;
        if (format !== undefined) leaf.schema.format = format;
      }
    }
  }
}

async function loadValidators(): Promise<(file: string) => Promise<Validate | undefined>> {
  // Every format check fails, so a probe reveals which format a field has.
  const validateModule = (await import(pathToFileURL(require.resolve('@kubernetes-models/validate')).href.replace(/\.js$/, '.mjs'))) as { formats: Record<string, unknown> };
  for (const name of Object.keys(validateModule.formats)) validateModule.formats[name] = { validate: () => false };
  return async (file) => {
    try {
      const mod = (await import(pathToFileURL(file).href)) as { validate?: Validate };
      return mod.validate;
    } catch {
      return undefined;
    }
  };
}

// ---------------------------------------------------------------------------

/** Apimachinery types upstream models specially (kube-openapi's OpenAPIV3OneOfTypes). */
function special(name: string, schema: Schema): Schema | undefined {
  const description = schema.description === undefined ? {} : { description: schema.description };
  switch (name) {
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return { ...description, oneOf: [{ type: 'string' }, { type: 'number' }] };
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return { ...description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return { ...description, type: 'string', format: 'date-time' };
    default:
      return undefined;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

async function main(): Promise<void> {
  const byAlias = readDeclarations();
  const decls = [...byAlias.values()];
  const status = decls.find((d) => d.name === 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  if (status === undefined || !ts.isInterfaceDeclaration(status.node)) throw new Error('meta/v1 Status not found');
  const statusMembers = status.node.members.filter(ts.isPropertySignature);
  const standardDoc = (name: string): string => {
    const m = statusMembers.find((x) => propertyName(x) === name);
    const doc = m && docOf(m, status.source);
    if (doc === undefined) throw new Error(`meta/v1 Status.${name} has no description`);
    return doc;
  };
  const standard: Standard = { apiVersion: standardDoc('apiVersion'), kind: standardDoc('kind') };

  const kindSignatures = new Map<string, string>();
  for (const d of decls) {
    if (ts.isInterfaceDeclaration(d.node) && gvkOf(d.node.members) !== undefined) kindSignatures.set(d.name, memberSignature(d.node.members));
  }

  // Roots: every declaration of a served group/version, and all of meta/v1.
  const served = builtinRegistry.groups().flatMap((g) => g.versions.map((v) => ({ group: g.name, version: v })));
  const rootDirs = served.map(({ group, version }) => (group === '' ? path.join(MODELS, version) : path.join(MODELS, group, version)));
  rootDirs.push(path.join(APIMACHINERY, 'apis/meta/v1'));
  const ctx: Context = { byAlias, reached: new Set(), queue: [], kindSignatures };
  for (const d of decls) if (rootDirs.includes(path.dirname(d.file))) refTo(ctx, d);

  const loadValidator = await loadValidators();
  const schemas: Record<string, Schema> = {};
  while (ctx.queue.length > 0) {
    const decl = ctx.queue.shift();
    if (decl === undefined) break;
    const schema = convert(ctx, decl, standard);
    const validate = await loadValidator(decl.validatorFile);
    if (validate !== undefined) refineWithValidator(validate, schema);
    schemas[decl.name] = schema;
  }

  // Meta kinds shared by every group/version, as upstream lists them.
  const everyGv = served.map(({ group, version }) => ({ group, version }));
  const metaKinds: Record<string, Gvk[]> = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status': [{ group: '', kind: 'Status', version: 'v1' }],
    'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': [{ group: '', kind: 'APIResourceList', version: 'v1' }],
    'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': [{ group: '', kind: 'APIGroupList', version: 'v1' }],
    'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': [{ group: '', kind: 'APIGroup', version: 'v1' }],
    'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': [{ group: '', kind: 'APIVersions', version: 'v1' }],
    'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': everyGv.map((gv) => ({ ...gv, kind: 'DeleteOptions' })),
    'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent': everyGv.map((gv) => ({ ...gv, kind: 'WatchEvent' })),
  };
  for (const [name, gvks] of Object.entries(metaKinds)) {
    const schema = schemas[name];
    if (schema) schema['x-kubernetes-group-version-kind'] = gvks;
  }

  // Every marker must land on a real field: a typo would silently drop a patch strategy.
  for (const [name, fields] of Object.entries(UPSTREAM_MARKERS)) {
    const schema = schemas[name];
    if (schema === undefined) continue;
    for (const field of Object.keys(fields)) {
      if (field !== '' && !(field in ((schema.properties ?? {}) as object))) throw new Error(`marker for ${name}.${field}: no such field`);
    }
  }

  const modelsVersion = (JSON.parse(readFileSync(path.join(MODELS, 'package.json'), 'utf8')) as { version: string }).version;
  const apimachineryVersion = (JSON.parse(readFileSync(path.join(APIMACHINERY, 'package.json'), 'utf8')) as { version: string }).version;
  const output = {
    generatedBy: 'scripts/build-openapi.ts',
    source: `kubernetes-models@${modelsVersion}, @kubernetes-models/apimachinery@${apimachineryVersion} (Kubernetes 1.33 definitions)`,
    schemas: sortKeys(schemas),
  };
  writeFileSync(OUTPUT, `${JSON.stringify(output, null, 1)}\n`);
  process.stdout.write(`wrote ${Object.keys(schemas).length} definitions to ${path.relative(ROOT, OUTPUT)}\n`);
}

await main();
