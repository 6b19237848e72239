import fastJsonPatch from 'fast-json-patch';
import { FieldPath, invalid, type FieldError } from '../apimachinery/field-errors.js';
import { parseFieldSelector, requireSupportedFields, type FieldSelector } from '../apimachinery/field-selector.js';
import { everythingLabelSelector, parseLabelSelector, type LabelSelector } from '../apimachinery/label-selector.js';
import {
  StatusError,
  newBadRequest,
  newConflict,
  newInvalid,
  type GroupResource,
  type Status,
} from '../apimachinery/status-error.js';
import type { Storage, StoredObject, Watch, WatchOptions } from '../storage/storage.js';
import { storageToStatusError } from './storage-status.js';
import { applyMergePatch } from './merge-patch.js';
import {
  fillCreateSystemFields,
  generateName,
  nowTimestamp,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type KubeObject,
  type ObjectMeta,
} from './object-meta.js';
import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import { pruneAndDefault } from './schema-pruning.js';
import { SchemaValidator } from './schema-validator.js';
import { FieldManager } from '../fieldmanager/field-manager.js';
import { deepEqual } from '../fieldmanager/deep-equal.js';

/** What the store needs to know about the resource it serves. */
export interface StoreResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly hasStatus: boolean;
  /** Structural schema of the whole object. */
  readonly schema: JSONSchemaProps;
}

/** Resource-specific policy, run by the store in a fixed order: prepare, then validate (which must not mutate). */
export interface Strategy {
  prepareForCreate?(object: KubeObject): void;
  prepareForUpdate?(object: KubeObject, old: KubeObject): void;
  validate?(object: KubeObject): FieldError[];
  validateUpdate?(object: KubeObject, old: KubeObject): FieldError[];
  warnings?(object: KubeObject): string[];
  /**
   * Last check before a create or an update is stored (after validation), for checks that need I/O: a Federated
   * object's template is dry-run on a member. Throws a StatusError to refuse the write.
   */
  admit?(object: KubeObject, old: KubeObject | undefined): Promise<void>;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Per-request write options; `warnings` collects what the response should carry as Warning headers. */
export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly fieldValidation?: FieldValidation;
  readonly warnings?: string[];
  /**
   * Who is writing, for `metadata.managedFields`: the request's `fieldManager`, else its User-Agent up to the first
   * `/`. Herd's own controllers write as `herd` when they leave it out.
   */
  readonly fieldManager?: string;
}

/** A server-side apply: the manager is required, and force takes fields other managers own. */
export interface ApplyOptions extends WriteOptions {
  readonly fieldManager: string;
  readonly force?: boolean;
  /** Runs before an apply creates the object (the namespace checks a create gets). */
  readonly beforeCreate?: () => Promise<void>;
}

/** The manager of Herd's own writes. */
export const HERD_FIELD_MANAGER = 'herd';

/** A request body as decoded by the server: the value, and the duplicate keys the raw text had. */
export interface DecodedBody {
  readonly object: unknown;
  readonly duplicateFields?: readonly string[];
}

export interface StoreListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface StoreList {
  readonly items: readonly StoredObject[];
  /** The items' bytes joined with commas, when the read cache has them (see ListResult.joined). */
  readonly joined?: Buffer;
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface DeleteRequest extends WriteOptions {
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

/** A delete either finished (`Status` Success) or is waiting on finalizers (the object, with deletionTimestamp). */
export type DeleteResult = { readonly kind: 'deleted'; readonly status: Status; readonly object: StoredObject } | { readonly kind: 'pending'; readonly object: StoredObject };

export type PatchType = 'json' | 'merge';

const MAX_CONFLICT_RETRIES = 5;
const FIELD_SELECTABLE = ['metadata.name', 'metadata.namespace'];

/** Serialises with apiVersion, kind, metadata first (the storage scanner relies on it). */
function encode(object: KubeObject): string {
  const { apiVersion, kind, metadata, ...rest } = object;
  return JSON.stringify({ apiVersion, kind, metadata, ...rest });
}

/** True when a stored object and a new one differ at most in their resourceVersion. */
function sameObject(storedJson: string, next: KubeObject): boolean {
  const stored = JSON.parse(storedJson) as KubeObject;
  const { resourceVersion: _a, ...a } = stored.metadata ?? {};
  const { resourceVersion: _b, ...b } = next.metadata ?? {};
  return deepEqual({ ...stored, metadata: a }, { ...next, metadata: b });
}

/** Everything but metadata, status and type meta: what generation counts changes of (key order aside). */
function specOf(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function specChanged(next: KubeObject, old: KubeObject): boolean {
  return !deepEqual(specOf(next), specOf(old));
}

/**
 * The generic registry store of one resource: every verb's Kubernetes semantics (system metadata, pruning, schema
 * and metadata validation, optimistic concurrency, generation, status subresource, finalizers and graceful
 * deletion, dry-run, selectors) on top of a `Storage`. Knows nothing of HTTP: it returns stored objects or throws
 * StatusErrors.
 */
export class ResourceStore {
  readonly qualified: GroupResource;
  private readonly validator: SchemaValidator;
  private readonly fieldManager: FieldManager;

  constructor(
    readonly resource: StoreResource,
    private readonly storage: Storage,
    private readonly strategy: Strategy = {},
  ) {
    this.qualified = { group: resource.group, resource: resource.plural };
    this.validator = new SchemaValidator(resource.schema);
    this.fieldManager = new FieldManager(resource);
  }

  key(namespace: string | undefined, name: string): string {
    return this.resource.namespaced ? `/${this.resource.group}/${this.resource.plural}/${namespace}/${name}` : `/${this.resource.group}/${this.resource.plural}/${name}`;
  }

  prefix(namespace?: string): string {
    const base = `/${this.resource.group}/${this.resource.plural}/`;
    return this.resource.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  async get(namespace: string | undefined, name: string): Promise<StoredObject> {
    try {
      return await this.storage.get(this.key(namespace, name));
    } catch (err) {
      throw storageToStatusError(err, this.qualified, name);
    }
  }

  /** Parses selectors once, rejecting unsupported field selectors with the upstream message. */
  selectors(opts: { labelSelector?: string; fieldSelector?: string }): { labels: LabelSelector; fields: FieldSelector } {
    let labels = everythingLabelSelector;
    if (opts.labelSelector) {
      try {
        labels = parseLabelSelector(opts.labelSelector);
      } catch (err) {
        throw newBadRequest((err as Error).message);
      }
    }
    const fields = parseFieldSelector(opts.fieldSelector ?? '');
    requireSupportedFields(fields, FIELD_SELECTABLE);
    return { labels, fields };
  }

  /** True when a stored object passes both selectors. */
  static matches(object: StoredObject, sel: { labels: LabelSelector; fields: FieldSelector }): boolean {
    if (!sel.labels.empty() && !sel.labels.matches(JSON.parse(object.labels) as Record<string, string>)) return false;
    if (!sel.fields.empty() && !sel.fields.matches({ 'metadata.name': object.name, 'metadata.namespace': object.namespace })) return false;
    return true;
  }

  async list(namespace: string | undefined, opts: StoreListOptions = {}): Promise<StoreList> {
    const sel = this.selectors(opts);
    const filtered = !sel.labels.empty() || !sel.fields.empty();
    try {
      const page = await this.storage.list(this.prefix(namespace), {
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        ...(opts.continue ? { continue: opts.continue } : {}),
        ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
        ...(opts.resourceVersionMatch ? { resourceVersionMatch: opts.resourceVersionMatch } : {}),
      });
      const items = filtered ? page.items.filter((o) => ResourceStore.matches(o, sel)) : page.items;
      // With a selector the remaining count is unknown (upstream leaves it out too).
      // With a selector the remaining count is unknown (upstream leaves it out too), and the pre-joined bytes are moot.
      const { remainingItemCount, joined, ...rest } = page;
      return {
        ...rest,
        items,
        ...(remainingItemCount !== undefined && !filtered ? { remainingItemCount } : {}),
        ...(joined && !filtered ? { joined } : {}),
      };
    } catch (err) {
      throw storageToStatusError(err, this.qualified, '', 'list');
    }
  }

  /** A watch of this resource (in one namespace, or all), starting as `WatchOptions` says. */
  async watch(namespace: string | undefined, options: WatchOptions = {}): Promise<Watch> {
    try {
      return await this.storage.watch(this.prefix(namespace), options);
    } catch (err) {
      throw storageToStatusError(err, this.qualified, '', 'watch');
    }
  }

  /** Checks apiVersion/kind/namespace of a body, prunes and defaults it, and applies fieldValidation. */
  private admitBody(body: DecodedBody, namespace: string | undefined, opts: WriteOptions, applied = false): KubeObject {
    const object = body.object;
    const { kind, group, version } = this.resource;
    const gv = group ? `${group}/${version}` : version;
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      throw newBadRequest(`the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: expected an object`);
    }
    const obj = object as KubeObject;
    if (obj.kind === undefined || obj.kind === '') {
      throw newBadRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
    }
    if (obj.kind !== kind) {
      throw newInvalid({ group, kind: String(obj.kind) }, String(obj.metadata?.name ?? ''), [invalid(FieldPath.of('kind'), obj.kind, `must be ${kind}`)]);
    }
    if (obj.apiVersion !== gv) {
      throw newBadRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
    }
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    const meta = obj.metadata;
    if (this.resource.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (namespace) meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
    const unknown = pruneAndDefault(obj, this.resource.schema, { keepNulls: applied }).map((p) => `unknown field "${p}"`);
    const problems = [...(body.duplicateFields ?? []).map((p) => `duplicate field "${p}"`), ...unknown];
    const mode = opts.fieldValidation ?? 'Warn';
    if (problems.length > 0 && mode === 'Strict') {
      throw newBadRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
    }
    if (problems.length > 0 && mode === 'Warn') opts.warnings?.push(...problems);
    return obj;
  }

  private validate(object: KubeObject, old?: KubeObject, subresource?: 'status'): void {
    const meta = object.metadata!;
    const errors = [...validateObjectMeta(meta, this.resource.namespaced)];
    if (old) errors.push(...validateObjectMetaUpdate(meta, old.metadata!));
    errors.push(...this.validator.validate(object, subresource === 'status' ? 'status' : ''));
    errors.push(...(old ? (this.strategy.validateUpdate?.(object, old) ?? []) : (this.strategy.validate?.(object) ?? [])));
    if (errors.length > 0) throw newInvalid({ group: this.resource.group, kind: this.resource.kind }, String(meta.name ?? ''), errors);
  }

  async create(namespace: string | undefined, body: DecodedBody, opts: WriteOptions = {}): Promise<StoredObject> {
    const object = this.admitBody(body, namespace, opts);
    const meta = object.metadata!;
    if (meta.resourceVersion) throw newBadRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    this.fieldManager.update(undefined, object, opts.fieldManager ?? HERD_FIELD_MANAGER);
    return this.createAdmitted(namespace, object, opts);
  }

  /** The part of a create after the body is admitted and its managed fields are set. */
  private async createAdmitted(namespace: string | undefined, object: KubeObject, opts: WriteOptions): Promise<StoredObject> {
    const meta = object.metadata!;
    fillCreateSystemFields(meta);
    if (this.resource.hasStatus) delete object.status;
    this.strategy.prepareForCreate?.(object);
    this.validate(object);
    opts.warnings?.push(...(this.strategy.warnings?.(object) ?? []));
    await this.strategy.admit?.(object, undefined);
    const json = encode(object);
    if (opts.dryRun) return this.dryRunObject(namespace, meta, json);
    try {
      return await this.storage.create(this.key(namespace, meta.name!), json);
    } catch (err) {
      throw storageToStatusError(err, this.qualified, meta.name!);
    }
  }

  private dryRunObject(namespace: string | undefined, meta: ObjectMeta, json: string): StoredObject {
    return { key: this.key(namespace, meta.name!), json, resourceVersion: '', name: meta.name!, namespace: meta.namespace ?? '', labels: JSON.stringify(meta.labels ?? {}) };
  }

  /**
   * PUT: the body must carry the resourceVersion it was read at. `subresource: 'status'` replaces only the status;
   * a main-resource update keeps the stored status when the resource has a status subresource.
   */
  async update(namespace: string | undefined, name: string, body: DecodedBody, opts: WriteOptions = {}, subresource?: 'status'): Promise<StoredObject> {
    const object = this.admitBody(body, namespace, opts);
    const meta = object.metadata!;
    if (meta.name !== undefined && meta.name !== name) {
      throw newBadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    if (!meta.resourceVersion) {
      throw newInvalid({ group: this.resource.group, kind: this.resource.plural }, name, [
        invalid(FieldPath.of('metadata', 'resourceVersion'), 0, 'must be specified for an update'),
      ]);
    }
    const current = await this.get(namespace, name);
    return this.write(namespace, name, current, object, meta.resourceVersion, opts, subresource);
  }

  /** PATCH with a JSON patch or a merge patch, retried on conflicts unless the patch pins a resourceVersion. */
  async patch(namespace: string | undefined, name: string, type: PatchType, patchText: string, opts: WriteOptions = {}, subresource?: 'status'): Promise<StoredObject> {
    let patch: unknown;
    try {
      patch = JSON.parse(patchText);
    } catch (err) {
      throw newBadRequest(`error decoding patch: ${(err as Error).message}`);
    }
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const old = JSON.parse(current.json) as KubeObject;
      let patched: unknown;
      if (type === 'json') {
        if (!Array.isArray(patch)) throw newBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        try {
          patched = fastJsonPatch.applyPatch(structuredClone(old), patch as fastJsonPatch.Operation[], true, false).newDocument;
        } catch {
          throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 });
        }
      } else {
        if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw newBadRequest('json: cannot unmarshal into a merge patch: expected an object');
        patched = applyMergePatch(old, patch);
      }
      const pinned = (patched as KubeObject).metadata?.resourceVersion;
      const expected = pinned && pinned !== current.resourceVersion ? pinned : current.resourceVersion;
      const object = this.admitBody({ object: patched }, namespace, opts);
      try {
        return await this.write(namespace, name, current, object, expected, opts, subresource);
      } catch (err) {
        const conflict = (err as { reason?: string }).reason === 'Conflict';
        if (!conflict || pinned !== current.resourceVersion || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
    }
  }

  /**
   * Server-side apply (PATCH `application/apply-patch+yaml`): merges the applied configuration into the object by
   * the schema and records ownership, creating the object when it does not exist (`created`). Retried on
   * write conflicts unless the configuration pins a resourceVersion.
   */
  async apply(namespace: string | undefined, name: string, body: DecodedBody, opts: ApplyOptions, subresource?: 'status'): Promise<{ object: StoredObject; created: boolean }> {
    const config = body.object;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw newBadRequest('error decoding YAML: the applied configuration must be an object');
    const cfg = config as KubeObject;
    const cfgName = cfg.metadata?.name;
    if (cfgName !== undefined && cfgName !== name) throw newBadRequest(`the name of the object (${String(cfgName)}) does not match the name on the URL (${name})`);
    if (this.resource.namespaced && cfg.metadata?.namespace && namespace && cfg.metadata.namespace !== namespace) {
      throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    for (let attempt = 0; ; attempt++) {
      let current: StoredObject | undefined;
      try {
        current = await this.get(namespace, name);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound' || subresource === 'status') throw err;
      }
      const live = current ? (JSON.parse(current.json) as KubeObject) : undefined;
      const merged = this.fieldManager.apply(live, structuredClone(cfg), opts.fieldManager, opts.force ?? false, subresource ?? '');
      const meta = (merged.metadata ??= {});
      meta.name = name;
      const object = this.admitBody({ object: merged, ...(body.duplicateFields ? { duplicateFields: body.duplicateFields } : {}) }, namespace, opts, true);
      try {
        if (!current) {
          await opts.beforeCreate?.();
          return { object: await this.createAdmitted(namespace, object, opts), created: true };
        }
        const pinned = cfg.metadata?.resourceVersion;
        const expected = pinned && pinned !== current.resourceVersion ? pinned : current.resourceVersion;
        return { object: await this.write(namespace, name, current, object, expected, opts, subresource, true), created: false };
      } catch (err) {
        const reason = (err as { reason?: string }).reason;
        const retry = (reason === 'Conflict' && (!cfg.metadata?.resourceVersion || !current)) || (reason === 'AlreadyExists' && !current);
        if (!retry || attempt >= MAX_CONFLICT_RETRIES || (err as { status?: { details?: { causes?: unknown[] } } }).status?.details?.causes) throw err;
      }
    }
  }

  private async write(
    namespace: string | undefined,
    name: string,
    current: StoredObject,
    object: KubeObject,
    expectedRv: string,
    opts: WriteOptions,
    subresource?: 'status',
    applied = false,
  ): Promise<StoredObject> {
    const old = JSON.parse(current.json) as KubeObject;
    if (!applied) this.fieldManager.update(old, object, opts.fieldManager ?? HERD_FIELD_MANAGER, subresource ?? '');
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...old, status: object.status };
      if (object.status === undefined) delete next.status;
      next.metadata = { ...old.metadata! };
      // The status endpoint keeps the stored metadata, but not the stored managed fields: those were just updated.
      if (object.metadata?.managedFields) next.metadata.managedFields = object.metadata.managedFields;
      else delete next.metadata.managedFields;
    } else {
      next = object;
      const meta = next.metadata!;
      // Fields only the server sets keep their stored values; a missing uid is taken from the stored object and
      // the creation timestamp cannot change (rest.BeforeUpdate).
      meta.generation = old.metadata!.generation ?? 1;
      if (!meta.uid) meta.uid = old.metadata!.uid;
      meta.creationTimestamp = old.metadata!.creationTimestamp;
      if (old.metadata!.deletionTimestamp) {
        meta.deletionTimestamp = old.metadata!.deletionTimestamp;
        meta.deletionGracePeriodSeconds = old.metadata!.deletionGracePeriodSeconds;
      }
      if (this.resource.hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      this.strategy.prepareForUpdate?.(next, old);
      if (specChanged(next, old)) meta.generation = (old.metadata!.generation ?? 1) + 1;
    }
    next.metadata!.resourceVersion = expectedRv;
    this.validate(next, old, subresource);
    opts.warnings?.push(...(this.strategy.warnings?.(next) ?? []));
    if (subresource !== 'status' && specChanged(next, old)) await this.strategy.admit?.(next, old);
    const key = this.key(namespace, name);
    const json = encode(next);
    if (opts.dryRun) return this.dryRunObject(namespace, next.metadata!, json);
    try {
      if (next.metadata!.deletionTimestamp && (next.metadata!.finalizers ?? []).length === 0) {
        // The last finalizer is gone from an object being deleted: the update completes the deletion, which watchers
        // see as one DELETED event (as kube-apiserver's deleteWithoutFinalizers does).
        return await this.storage.delete(key, { expectedResourceVersion: expectedRv });
      }
      // A write that changes nothing is not written, and keeps its resourceVersion (as etcd3's GuaranteedUpdate).
      if (current.resourceVersion === expectedRv && sameObject(current.json, next)) return current;
      return await this.storage.update(key, json, { expectedResourceVersion: expectedRv });
    } catch (err) {
      throw storageToStatusError(err, this.qualified, name);
    }
  }

  async delete(namespace: string | undefined, name: string, req: DeleteRequest = {}): Promise<DeleteResult> {
    const current = await this.get(namespace, name);
    const object = JSON.parse(current.json) as KubeObject;
    const meta = object.metadata!;
    const pre = req.preconditions;
    if (pre?.uid && pre.uid !== meta.uid) {
      throw newConflict(this.qualified, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid ?? '')}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.resourceVersion) {
      throw newConflict(
        this.qualified,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.resourceVersion}`,
      );
    }
    let finalizers = [...(meta.finalizers ?? [])];
    if (req.propagationPolicy === 'Orphan') finalizers = [...finalizers.filter((f) => f !== 'foregroundDeletion' && f !== 'orphan'), 'orphan'];
    else if (req.propagationPolicy === 'Foreground') finalizers = [...finalizers.filter((f) => f !== 'foregroundDeletion' && f !== 'orphan'), 'foregroundDeletion'];
    else if (req.propagationPolicy === 'Background') finalizers = finalizers.filter((f) => f !== 'foregroundDeletion' && f !== 'orphan');

    if (finalizers.length > 0) {
      const unchanged = meta.deletionTimestamp !== undefined && JSON.stringify(finalizers) === JSON.stringify(meta.finalizers ?? []);
      if (unchanged) return { kind: 'pending', object: current };
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = nowTimestamp();
        meta.deletionGracePeriodSeconds = 0;
        meta.generation = (meta.generation ?? 1) + 1;
      }
      meta.finalizers = finalizers;
      const json = encode(object);
      if (req.dryRun) return { kind: 'pending', object: this.dryRunObject(namespace, meta, json) };
      try {
        return { kind: 'pending', object: await this.storage.update(this.key(namespace, name), json, { expectedResourceVersion: current.resourceVersion }) };
      } catch (err) {
        throw storageToStatusError(err, this.qualified, name);
      }
    }
    let deleted = current;
    if (!req.dryRun) {
      try {
        deleted = await this.storage.delete(this.key(namespace, name), { expectedResourceVersion: current.resourceVersion });
      } catch (err) {
        throw storageToStatusError(err, this.qualified, name);
      }
    }
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: this.resource.group, kind: this.resource.plural, uid: String(meta.uid ?? '') },
    } as Status;
    return { kind: 'deleted', status, object: deleted };
  }

  /** DELETE on the collection: every object passing the selectors, each with the same options. */
  async deleteCollection(namespace: string | undefined, list: StoreListOptions, req: DeleteRequest = {}): Promise<StoredObject[]> {
    const { items } = await this.list(namespace, { ...(list.labelSelector ? { labelSelector: list.labelSelector } : {}), ...(list.fieldSelector ? { fieldSelector: list.fieldSelector } : {}) });
    const out: StoredObject[] = [];
    for (const item of items) {
      try {
        const r = await this.delete(item.namespace || undefined, item.name, req);
        out.push(r.object);
      } catch (err) {
        if ((err as { reason?: string }).reason !== 'NotFound') throw err;
      }
    }
    return out;
  }

}
