import crypto from 'node:crypto';
import { badRequest, forbidden, notFound } from '../api/errors.js';
import type { JsonObject } from '../api/patch/json-value.js';
import { apiVersionOf, type RegistryFor } from '../api/resources/registry.js';
import type { ApiResource } from '../api/resources/types.js';
import type { Store } from '../store/store.js';
import { AlreadyExistsError, ConflictError, NotFoundError, ValueAllocatedError } from '../store/errors.js';
import { generateName } from '../store/names.js';
import { takenValueErrors } from '../admission/allocators.js';
import { invalidError } from '../admission/validation/index.js';
import type { CollectionKey, DeleteOptions, DeleteResult, KubeObject, ListOptions, ObjectKey, ObjectList, Watch, WatchOptions } from '../store/types.js';
import { runAdmission, type AdmissionAttributes, type AdmissionPlugin, type Requester } from './admission.js';
import { generateJobSelector } from '../admission/defaults/batch.js';
import { checkFields, type FieldValidation } from './field-validation.js';
import type { PatchType } from './patch.js';
import type { NodeBindLock } from './binding.js';
import { applyPatch } from '../api/patch/patch-types.js';
import { managerFromRequest, serverSideApply, updateManagedFields } from '../api/patch/apply.js';
import { validatePatchOptions } from '../api/patch/patch-options.js';
import { informerFor, type Informer } from './informer.js';
import { servedText } from './served-text.js';
import { bootstrapCluster, type ApiEndpoint } from './bootstrap/index.js';

/** Where a request points: a resource as served in one cluster. */
export interface ResourceRef {
  cluster: string;
  resource: ApiResource;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** managedFields manager; defaults to the product in the client's User-Agent. */
  fieldManager?: string;
  requester: Requester;
  signal?: AbortSignal;
  /** The client's User-Agent: the field manager when fieldManager is not given. */
  userAgent?: string;
  /** How unknown fields in the request object are treated (Ignore when absent: internal writers). */
  fieldValidation?: FieldValidation;
  /** Receives warnings for the client (fieldValidation=Warn); REST sends them as Warning headers. */
  warnings?: string[];
}

export interface UpdateRequestOptions extends WriteOptions {
  /** 'status' writes only status; '' (default) the main resource. */
  subresource?: string;
  /** Server-side apply's `force`: take ownership of conflicting fields. */
  force?: boolean;
  /** Set to true when a server-side apply created the object (REST answers 201 then, as the API server does). */
  outcome?: { created: boolean };
  /**
   * The object as stored, when the caller already holds it (it has just read
   * it, or keeps an informer's copy) and the body names the same
   * resourceVersion: the update then skips its own read. The store still
   * checks the version when it commits, so a stale copy is a Conflict.
   */
  current?: KubeObject;
}

export interface DeleteRequestOptions extends WriteOptions, Omit<DeleteOptions, 'signal'> {}

export interface ObjectServiceOptions {
  store: Store;
  registryFor: RegistryFor;
  admission: readonly AdmissionPlugin[];
}

export { SYSTEM_NAMESPACES } from './bootstrap/index.js';

const PATCH_ATTEMPTS = 5;
// A Service create whose allocated value another API replica took between
// allocation and commit is admitted again this many times.
const ALLOCATION_ATTEMPTS = 8;
// apiserver retries a generateName collision this many times (RetryGenerateName).
const GENERATE_NAME_ATTEMPTS = 8;

// Set on objects whose managedFields a server-side apply already wrote, so the
// create/update that stores them does not record an Update on top.
const APPLIED = Symbol('managed fields recorded by apply');
type Applied = KubeObject & { [APPLIED]?: true };

/**
 * Whether a PUT without metadata.resourceVersion replaces the stored object
 * (AllowUnconditionalUpdate). ResourceQuotas say no: their status is usage
 * accounting that a blind overwrite would corrupt.
 */
function allowsUnconditionalUpdate(resource: ApiResource): boolean {
  return !(resource.group === '' && resource.resource === 'resourcequotas');
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The API machinery's generic registry: every read and write of an object,
 * whether from REST, GraphQL or a worker, goes through here so that it gets
 * the same namespace checks, admission (defaults, validation, allocation,
 * quota) and store semantics.
 */
export class ObjectService {
  readonly store: Store;
  readonly registryFor: RegistryFor;
  private readonly admission: readonly AdmissionPlugin[];
  private readonly bootstrapped = new Map<string, Promise<void>>();
  /** Set by an API replica once it listens: bootstrap points default/kubernetes here. */
/**
   * How binds to one node are serialized when the caller does not say
   * (pods/binding): an API replica sets a lock shared with every other
   * binder of the database. Undefined: within this process only.
   */
  nodeBindLock: NodeBindLock | undefined;
    apiEndpoint: ApiEndpoint | undefined;
  private readonly namespaces: Informer;

  constructor(options: ObjectServiceOptions) {
    this.store = options.store;
    this.namespaces = informerFor(options.store, '', 'namespaces');
    this.registryFor = options.registryFor;
    this.admission = options.admission;
  }

  /** The resource a (group, version, plural) names in this cluster, or 404. */
  resource(cluster: string, group: string, version: string, resource: string): ResourceRef {
    const found = this.registryFor(cluster).lookup(group, version, resource);
    if (found === undefined) throw notFound('the server could not find the requested resource');
    return { cluster, resource: found };
  }

  /** The resource serving a kind (apiVersion + kind), or 404 naming it. */
  resourceForKind(cluster: string, apiVersion: string, kind: string): ResourceRef {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const found = this.registryFor(cluster).byKind(group, kind, version);
    if (found === undefined) throw notFound(`the server could not find the requested resource: no kind "${kind}" is registered for version "${apiVersion}"`);
    return { cluster, resource: found };
  }

  collection(ref: ResourceRef, namespace: string): CollectionKey {
    const { resource } = ref;
    if (!resource.namespaced && namespace !== '') throw notFound('the server could not find the requested resource');
    return { cluster: ref.cluster, group: resource.group, resource: resource.resource, namespace: resource.namespaced ? namespace : '' };
  }

  key(ref: ResourceRef, namespace: string, name: string): ObjectKey {
    return { ...this.collection(ref, namespace), name };
  }

  async get(ref: ResourceRef, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject> {
    await this.ensureBootstrapped(ref.cluster);
    const key = this.key(ref, namespace, name);
    const object = await this.store.get(key, signal ? { signal } : {});
    if (object === null) throw NotFoundError.of(key);
    return this.served(ref, object);
  }

  async list(ref: ResourceRef, namespace: string, options: ListOptions = {}): Promise<ObjectList> {
    await this.ensureBootstrapped(ref.cluster);
    const list = await this.store.list(this.collection(ref, namespace), options);
    return { ...list, items: list.items.map((o) => this.served(ref, o)) };
  }

  /** list() with each item as the JSON text served() would produce (REST JSON lists pass it through unparsed). */
  async listJson(ref: ResourceRef, namespace: string, options: ListOptions = {}): Promise<ObjectList<string>> {
    await this.ensureBootstrapped(ref.cluster);
    const list = await this.store.listJson(this.collection(ref, namespace), options);
    return { ...list, items: list.items.map(servedText(apiVersionOf(ref.resource.group, ref.resource.version), ref.resource.kind)) };
  }

  async watch(ref: ResourceRef, namespace: string, options: WatchOptions = {}): Promise<Watch> {
    await this.ensureBootstrapped(ref.cluster);
    return this.store.watch(this.collection(ref, namespace), options);
  }

  async create(ref: ResourceRef, namespace: string, body: KubeObject, options: WriteOptions): Promise<KubeObject> {
    await this.ensureBootstrapped(ref.cluster);
    const generating = !body.metadata?.name && typeof body.metadata?.generateName === 'string' && body.metadata.generateName !== '';
    for (let attempt = 1, nameAttempt = 1; ; attempt++) {
      try {
        return await this.createOnce(ref, namespace, body, options);
      } catch (err) {
        // A generated name someone already has: generate another, as the API
        // server does (RetryGenerateName); the last collision says so.
        if (err instanceof AlreadyExistsError && generating) {
          if (nameAttempt++ < GENERATE_NAME_ATTEMPTS) continue;
          throw new AlreadyExistsError(ref.resource.group, ref.resource.resource, body.metadata?.name ?? '', true);
        }
        // PostgreSQL found a cluster IP or node port taken (by another replica):
        // allocate again. A value the client asked for is then refused by the
        // allocator, which now sees the other Service, with upstream's wording.
        if (!(err instanceof ValueAllocatedError) || attempt >= ALLOCATION_ATTEMPTS) throw err;
      }
    }
  }

  private async createOnce(ref: ResourceRef, namespace: string, body: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const { resource } = ref;
    const object = clone(body);
    object.apiVersion = apiVersionOf(resource.group, resource.version);
    object.kind = resource.kind;
    object.metadata = object.metadata ?? {};
    const bodyNamespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : '';
    if (resource.namespaced) {
      if (bodyNamespace !== '' && bodyNamespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace;
    } else {
      delete object.metadata.namespace;
    }
    // Clients cannot set server-owned fields on create.
    for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) delete object.metadata[field];
    // The uid exists before admission, as after the API server's BeforeCreate: the
    // job strategy labels pods and builds its selector from it before validating.
    const uid = crypto.randomUUID();
    object.metadata.uid = uid;
    if (resource.group === 'batch' && resource.resource === 'jobs') generateJobSelector(object as unknown as JsonObject, uid);
    // Status is the controllers' to write; a node registers with its status, as kubelets do.
    if (resource.hasStatus && resource.resource !== 'nodes') delete object.status;
    // The name is generated before validation and admission see the object, as
    // the API server's BeforeCreate does.
    if (!object.metadata.name && typeof object.metadata.generateName === 'string' && object.metadata.generateName !== '') {
      object.metadata.name = generateName(object.metadata.generateName);
    }
    const name = typeof object.metadata.name === 'string' ? object.metadata.name : '';
    this.checkFields(ref, object, options);
    if (resource.namespaced) await this.checkNamespaceAccepts(ref.cluster, namespace, resource, name);
    await runAdmission(this.admission, this.attributes('CREATE', ref, '', namespace, name, object, undefined, options));
    const tracked = (body as Applied)[APPLIED] ? object : this.withManagedFields(ref, '', undefined, object, options);
    if (options.dryRun) return this.dryRunResult(ref, tracked);
    const created = await this.store.create(this.collection(ref, namespace), tracked, { handOver: true, ...(options.signal ? { signal: options.signal } : {}) });
    return this.served(ref, created);
  }

  async update(ref: ResourceRef, namespace: string, name: string, body: KubeObject, options: UpdateRequestOptions): Promise<KubeObject> {
    await this.ensureBootstrapped(ref.cluster);
    const { resource } = ref;
    const subresource = options.subresource ?? '';
    const key = this.key(ref, namespace, name);
    const object = clone(body);
    object.metadata = object.metadata ?? {};
    const bodyName = object.metadata.name;
    if (typeof bodyName === 'string' && bodyName !== '' && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    object.metadata.name = name;
    const bodyNamespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : '';
    if (resource.namespaced && bodyNamespace !== '' && bodyNamespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (resource.namespaced) object.metadata.namespace = namespace;
    object.apiVersion = apiVersionOf(resource.group, resource.version);
    object.kind = resource.kind;
    this.checkFields(ref, object, options);
    const known = options.current;
    const held = known !== undefined && known.metadata.resourceVersion !== undefined && known.metadata.resourceVersion === object.metadata.resourceVersion;
    const current = held ? known : await this.store.get(key, options.signal ? { signal: options.signal } : {});
    if (current === null) throw NotFoundError.of(key);
    // As the API server's BeforeUpdate: the creation time and generation are the
    // server's (clients may echo them back reformatted), an empty uid means "the same".
    if (current.metadata.creationTimestamp !== undefined) object.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.generation !== undefined) object.metadata.generation = current.metadata.generation;
    if (!object.metadata.uid && current.metadata.uid) object.metadata.uid = current.metadata.uid;
    // An update without a resourceVersion overwrites whatever is stored, for the
    // kinds whose strategy allows unconditional updates (nearly all built-ins).
    if (!object.metadata.resourceVersion && allowsUnconditionalUpdate(resource)) object.metadata.resourceVersion = current.metadata.resourceVersion;
    await runAdmission(this.admission, this.attributes('UPDATE', ref, subresource, namespace, name, object, current, options));
    const tracked = (body as Applied)[APPLIED] ? object : this.withManagedFields(ref, subresource, current, object, options);
    if (options.dryRun) return this.served(ref, { ...tracked, metadata: { ...current.metadata, ...tracked.metadata } });
    try {
      const updated = await this.store.update(key, tracked, {
        ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
        hasStatusSubresource: resource.hasStatus,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return this.served(ref, updated);
    } catch (err) {
      if (!(err instanceof ValueAllocatedError)) throw err;
      throw invalidError({ group: resource.group, kind: resource.kind }, name, takenValueErrors(tracked as unknown as JsonObject, err.range, err.value));
    }
  }

  /**
   * Applies a JSON, merge or strategic-merge patch. Without a resourceVersion
   * in the patch, a conflicting concurrent write is retried against the new
   * object, as the API server does.
   */
  async patch(ref: ResourceRef, namespace: string, name: string, type: PatchType, patch: unknown, options: UpdateRequestOptions): Promise<KubeObject> {
    validatePatchOptions(type, { ...(options.fieldManager !== undefined ? { fieldManager: options.fieldManager } : {}), ...(options.force !== undefined ? { force: options.force } : {}) });
    if (type === 'apply') return this.apply(ref, namespace, name, patch, options);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(ref, namespace, name, options.signal);
      const patched = applyPatch(type, current as unknown as JsonObject, patch, { group: ref.resource.group, kind: ref.resource.kind }) as unknown as KubeObject;
      patched.metadata = patched.metadata ?? {};
      const patchNamesVersion = typeof (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion === 'string';
      if (!patchNamesVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        // The object just read is the update's current one: no second read.
        return await this.update(ref, namespace, name, patched, { ...options, current });
      } catch (err) {
        if (!(err instanceof ConflictError) || patchNamesVersion || attempt >= PATCH_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Server-side apply: merges the configuration for its field manager, creating
   * the object when it does not exist; retried on a concurrent write, as patches are.
   */
  private async apply(ref: ResourceRef, namespace: string, name: string, config: unknown, options: UpdateRequestOptions): Promise<KubeObject> {
    const { resource } = ref;
    const subresource = options.subresource ?? '';
    for (let attempt = 1; ; attempt++) {
      await this.ensureBootstrapped(ref.cluster);
      const current = await this.store.get(this.key(ref, namespace, name), options.signal ? { signal: options.signal } : {});
      if (current === null && subresource !== '') throw NotFoundError.of(this.key(ref, namespace, name));
      const applied = serverSideApply(current === null ? undefined : (this.served(ref, current) as unknown as JsonObject), config, {
        group: resource.group,
        version: resource.version,
        kind: resource.kind,
        manager: options.fieldManager ?? '',
        ...(options.force !== undefined ? { force: options.force } : {}),
        ...(subresource !== '' ? { subresource } : {}),
      }) as unknown as Applied;
      applied[APPLIED] = true;
      try {
        if (current === null) {
          applied.metadata = { ...applied.metadata, name };
          const created = await this.create(ref, namespace, applied, options);
          if (options.outcome) options.outcome.created = true;
          return created;
        }
        applied.metadata.resourceVersion = current.metadata.resourceVersion;
        return await this.update(ref, namespace, name, applied, { ...options, current });
      } catch (err) {
        const lost = err instanceof ConflictError || (current === null && (err as { reason?: string }).reason === 'AlreadyExists');
        if (!lost || attempt >= PATCH_ATTEMPTS) throw err;
      }
    }
  }

  private checkFields(ref: ResourceRef, object: KubeObject, options: WriteOptions): void {
    const warnings = checkFields(options.fieldValidation ?? 'Ignore', ref.resource.group, ref.resource.version, ref.resource.kind, object);
    options.warnings?.push(...warnings);
  }

  /** Records the write's field ownership in metadata.managedFields. */
  private withManagedFields(ref: ResourceRef, subresource: string, current: KubeObject | undefined, next: KubeObject, options: WriteOptions): KubeObject {
    const { resource } = ref;
    return updateManagedFields(current as unknown as JsonObject | undefined, next as unknown as JsonObject, {
      group: resource.group,
      version: resource.version,
      kind: resource.kind,
      manager: managerFromRequest(options.fieldManager, options.userAgent),
      ...(subresource !== '' ? { subresource } : {}),
    }) as unknown as KubeObject;
  }

  async delete(ref: ResourceRef, namespace: string, name: string, options: DeleteRequestOptions): Promise<DeleteResult> {
    await this.ensureBootstrapped(ref.cluster);
    const key = this.key(ref, namespace, name);
    const current = await this.store.get(key, options.signal ? { signal: options.signal } : {});
    if (current === null) throw NotFoundError.of(key);
    await runAdmission(this.admission, this.attributes('DELETE', ref, '', namespace, name, undefined, current, options));
    const storeOptions: DeleteOptions = {
      ...(options.preconditions ? { preconditions: options.preconditions } : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      gracePeriodSeconds: this.gracePeriod(ref, current, options.gracePeriodSeconds),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    if (options.dryRun) return { object: this.served(ref, current), deleted: false };
    const result = await this.store.delete(key, storeOptions);
    return { object: this.served(ref, result.object), deleted: result.deleted };
  }

  /**
   * Pods bound to a node end gracefully: the node agent stops the containers
   * and confirms with a zero-grace delete. Everything else goes at once.
   */
  private gracePeriod(ref: ResourceRef, current: KubeObject, requested: number | undefined): number {
    if (ref.resource.group !== '' || ref.resource.resource !== 'pods') return 0;
    const spec = (current.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
    if (!spec.nodeName) return 0;
    const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  }

  private attributes(
    operation: AdmissionAttributes['operation'],
    ref: ResourceRef,
    subresource: string,
    namespace: string,
    name: string,
    object: KubeObject | undefined,
    oldObject: KubeObject | undefined,
    options: WriteOptions,
  ): AdmissionAttributes {
    return { operation, cluster: ref.cluster, resource: ref.resource, subresource, namespace, name, object, oldObject, dryRun: options.dryRun ?? false, requester: options.requester };
  }

  /** NamespaceLifecycle: no new objects in a namespace that is missing or terminating. */
  private async checkNamespaceAccepts(cluster: string, namespace: string, resource: ApiResource, name: string): Promise<void> {
    if (namespace === '') throw badRequest('a namespace is required for namespaced resources');
    // A namespace missing from the cache may have been created a moment ago by another replica: read it.
    const ns = (await this.namespaces.get(cluster, '', namespace)) ?? (await this.store.get({ cluster, group: '', resource: 'namespaces', namespace: '', name: namespace }));
    if (ns === null) throw notFound(`namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    const terminating = ns.metadata.deletionTimestamp !== undefined || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating';
    if (terminating) {
      const qualified = resource.group === '' ? resource.resource : `${resource.resource}.${resource.group}`;
      throw forbidden(`${qualified} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name,
        kind: resource.resource,
        ...(resource.group !== '' ? { group: resource.group } : {}),
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  /** What a dry-run create returns: the admitted object with the fields a write would set. */
  private dryRunResult(ref: ResourceRef, object: KubeObject): KubeObject {
    const result = clone(object);
    result.metadata.uid ??= crypto.randomUUID();
    result.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    result.metadata.generation = 1;
    return this.served(ref, result);
  }

  /** Objects are served with the apiVersion and kind of the version asked for. */
  private served(ref: ResourceRef, object: KubeObject): KubeObject {
    return { ...object, apiVersion: apiVersionOf(ref.resource.group, ref.resource.version), kind: ref.resource.kind };
  }

  /** Creates the system namespaces of a cluster the first time this process sees it. */
  ensureBootstrapped(cluster: string): Promise<void> {
    let done = this.bootstrapped.get(cluster);
    if (done === undefined) {
      done = this.bootstrap(cluster).catch((err: unknown) => {
        this.bootstrapped.delete(cluster);
        throw err;
      });
      this.bootstrapped.set(cluster, done);
    }
    return done;
  }

  /** The built-in objects of a cluster (src/objects/bootstrap), written as the API server writes them. */
  private async bootstrap(cluster: string): Promise<void> {
    const requester: Requester = { username: 'system:apiserver', groups: ['system:masters'] };
    const ref = (group: string, version: string, resource: string): ResourceRef | undefined => {
      const found = this.registryFor(cluster).lookup(group, version, resource);
      return found === undefined ? undefined : { cluster, resource: found };
    };
    const admitted = async (operation: 'CREATE' | 'UPDATE', r: ResourceRef, object: KubeObject, current?: KubeObject): Promise<void> => {
      const namespace = object.metadata.namespace ?? '';
      await runAdmission(this.admission, this.attributes(operation, r, '', namespace, object.metadata.name ?? '', object, current, { requester }));
    };
    await bootstrapCluster(
      {
        cluster,
        ensure: async (group, version, resource, object) => {
          const r = ref(group, version, resource);
          if (r === undefined) return;
          const namespace = object.metadata.namespace ?? '';
          const key = this.key(r, namespace, object.metadata.name ?? '');
          if ((await this.store.get(key)) !== null) return;
          try {
            await admitted('CREATE', r, object);
            await this.store.create(this.collection(r, namespace), object);
          } catch (err) {
            // Another replica created it since the read. The refusal may be
            // AlreadyExists, or what admission or the store saw first (the
            // kubernetes Service's address is taken).
            if ((err as { reason?: string }).reason === 'AlreadyExists' || (await this.store.get(key)) !== null) return;
            throw err;
          }
        },
        get: async (group, version, resource, namespace, name) => {
          const r = ref(group, version, resource);
          return r === undefined ? null : this.store.get(this.key(r, namespace, name));
        },
        update: async (group, version, resource, object) => {
          const r = ref(group, version, resource);
          if (r === undefined) return;
          const key = this.key(r, object.metadata.namespace ?? '', object.metadata.name ?? '');
          const current = await this.store.get(key);
          if (current === null) throw NotFoundError.of(key);
          // The server's fields come from the stored object; a stale resourceVersion still fails as Conflict in the store.
          const next: KubeObject = { ...object, metadata: { ...object.metadata, generation: current.metadata.generation, creationTimestamp: current.metadata.creationTimestamp } };
          await admitted('UPDATE', r, next, current);
          await this.store.update(key, next);
        },
      },
      this.apiEndpoint === undefined ? {} : { apiEndpoint: this.apiEndpoint },
    );
  }
}
