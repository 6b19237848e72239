import type { JSONSchemaProps } from '../../api/meta/resource-definition.js';
import type { ManagedFieldsEntry, ObjectMeta } from '../../api/meta/object-meta.js';
import { StatusError, newBadRequest, newInternalError } from '../apimachinery/status-error.js';
import { applyConflictError } from './apply-conflict.js';
import { FieldSet } from './field-set.js';
import { allowedConflictsFromLastApplied, hasLastApplied, updateLastApplied } from './last-applied.js';
import { decodeManagedFields, emptyManaged, encodeManagedFields, managedFieldsTime, managerIdentifier, type Managed } from './managed-fields.js';
import { resourceMergeType, type MapType } from './merge-type.js';
import { fieldElement } from './path-element.js';
import { ConflictsError, Updater, type ManagerSets } from './updater.js';

/** What the field manager needs to know about the resource. */
export interface FieldManagerResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly hasStatus: boolean;
  readonly schema: JSONSchemaProps;
}

export type Subresource = '' | 'status';

/** Update managers beyond this many are folded, oldest first, into one `ancient-changes` entry. */
const MAX_UPDATE_MANAGERS = 10;
const CURRENT_OPERATION = 'current-operation';
const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Fields only the server sets: nobody owns them. */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);

type Json = Record<string, unknown>;

/** Any object the field manager reads or writes: type meta and metadata known, the rest free. */
export interface ManagedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

function withoutManagedFields(object: ManagedObject): Json {
  const { metadata, ...rest } = object;
  const { managedFields: _m, ...meta } = metadata ?? {};
  return { ...rest, metadata: meta };
}

/**
 * Tracks field ownership in `metadata.managedFields` for one resource and performs server-side apply, with
 * kube-apiserver's rules: non-apply writes record an `Update` entry for what they changed; applies merge by the
 * schema, remove what the applier stopped applying, refuse to change others' fields without force; the first
 * apply to an object nobody tracked gives its fields to `before-first-apply`; `kubectl` may take over fields
 * client-side apply recorded when their values are unchanged; at most ten update managers are kept.
 */
export class FieldManager {
  private readonly type: MapType;
  private readonly apiVersion: string;
  private readonly updaters: Record<Subresource, Updater>;

  constructor(private readonly resource: FieldManagerResource) {
    this.type = resourceMergeType(resource.schema);
    this.apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    this.updaters = {
      '': new Updater(this.type, this.apiVersion, resource.hasStatus ? FieldSet.of([fieldElement('status')]) : new FieldSet()),
      // The status endpoint stores nothing but status: writes through it own neither spec nor metadata.
      status: new Updater(this.type, this.apiVersion, FieldSet.of([fieldElement('spec')], [fieldElement('metadata')])),
    };
  }

  /**
   * Records a create (`live` undefined), update or patch of `next` by `manager`, setting `next.metadata.managedFields`.
   * Managed fields the request carries replace the stored ones (an empty list clears them), except on subresources.
   * Never fails: on an internal error the stored managed fields are kept, as upstream does.
   */
  update(live: ManagedObject | undefined, next: ManagedObject, manager: string, subresource: Subresource = ''): void {
    const liveEntries = live?.metadata?.managedFields;
    try {
      const managed = this.decodeLiveOrNew(liveEntries, next.metadata?.managedFields, subresource !== '');
      if (next.metadata) delete next.metadata.managedFields;
      const liveObject: Json = live ? withoutManagedFields(live) : { apiVersion: this.apiVersion, kind: this.resource.kind };
      if (managed.fields.size === 0 && live?.metadata?.uid) return; // an object nobody tracked stays untracked until applied
      const result = this.recordUpdate(liveObject, withoutManagedFields(next), managed, manager, subresource);
      this.capUpdateManagers(result);
      this.encode(next, result);
    } catch {
      next.metadata ??= {};
      if (liveEntries) next.metadata.managedFields = liveEntries;
      else delete next.metadata.managedFields;
    }
  }

  /**
   * Applies `config` by `manager` to `live` (undefined when the apply creates the object) and returns the object to
   * store, with its managed fields. Throws StatusErrors: 400 for a body of another kind or version or carrying
   * managedFields, 409 with one cause per conflicting field, 500 when the stored managed fields cannot be read.
   */
  apply(live: ManagedObject | undefined, config: ManagedObject, manager: string, force: boolean, subresource: Subresource = ''): ManagedObject {
    const { group, version, kind } = this.resource;
    const [cfgGroup, cfgVersion] = String(config.apiVersion ?? '').includes('/') ? String(config.apiVersion).split('/', 2) : ['', String(config.apiVersion ?? '')];
    if (cfgGroup !== group || cfgVersion !== version || config.kind !== kind) {
      throw newBadRequest(`invalid object type: ${cfgGroup}/${cfgVersion}, Kind=${String(config.kind ?? '')}`);
    }
    if (config.metadata?.managedFields !== undefined) throw newBadRequest('metadata.managedFields must be nil');
    let managed: Managed;
    try {
      managed = decodeManagedFields(live?.metadata?.managedFields);
    } catch (err) {
      throw newInternalError(`failed to decode managed fields: ${(err as Error).message}`);
    }
    const liveObject: Json = live ? withoutManagedFields(live) : { apiVersion: this.apiVersion, kind };
    if (managed.fields.size === 0) {
      managed = this.recordUpdate({ apiVersion: this.apiVersion, kind }, liveObject, managed, BEFORE_FIRST_APPLY, subresource);
    }
    const id = managerIdentifier({ manager, operation: 'Apply', subresource });
    const run = (forced: boolean): { object: Json; managed: Managed } => {
      const result = this.updaters[subresource].apply(liveObject, config, managed.fields, id, forced);
      const fields = this.strip(result.managers, id);
      const times = new Map(managed.times);
      if (result.object !== undefined) times.set(id, managedFieldsTime());
      return { object: (result.object as Json | undefined) ?? structuredClone(liveObject), managed: { fields, times } };
    };
    let outcome: { object: Json; managed: Managed };
    try {
      outcome = run(force);
    } catch (err) {
      if (!(err instanceof ConflictsError)) throw this.typedError(err, config);
      const allowed = manager === 'kubectl' ? allowedConflictsFromLastApplied(liveObject, this.type, this.apiVersion) : undefined;
      if (!allowed) throw applyConflictError(err.conflicts);
      const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw applyConflictError(remaining);
      outcome = run(true);
    }
    const object = outcome.object as ManagedObject;
    if (manager === 'kubectl' && hasLastApplied(object)) updateLastApplied(object, config);
    this.encode(object, outcome.managed);
    return object;
  }

  private typedError(err: unknown, config: ManagedObject): Error {
    if (err instanceof Error && !('status' in err)) {
      const ns = config.metadata?.namespace ?? '';
      const name = config.metadata?.name ?? '';
      const { group, version, kind } = this.resource;
      // Not a Status upstream either: kube-apiserver answers such errors with 500 and no reason.
      const message = `failed to create typed patch object (${ns}/${name}; ${group}/${version}, Kind=${kind}): ${err.message}`;
      return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: '', code: 500 });
    }
    return err as Error;
  }

  private decodeLiveOrNew(live: ManagedFieldsEntry[] | undefined, requested: ManagedFieldsEntry[] | undefined, ignoreRequested: boolean): Managed {
    const decodeOrEmpty = (entries: ManagedFieldsEntry[] | undefined): Managed => {
      try {
        return decodeManagedFields(entries);
      } catch {
        return emptyManaged();
      }
    };
    if (ignoreRequested) return decodeOrEmpty(live);
    if (Array.isArray(requested) && (requested.length === 0 || (requested.length === 1 && Object.keys(requested[0] ?? {}).length === 0))) return emptyManaged();
    try {
      const managed = decodeManagedFields(requested);
      if (managed.fields.size > 0) return managed;
    } catch {
      // fall back to the stored entries
    }
    return decodeOrEmpty(live);
  }

  /** One non-apply change: the manager gains what changed (merged into its earlier entry) and its time moves. */
  private recordUpdate(live: Json, next: Json, managed: Managed, manager: string, subresource: Subresource): Managed {
    const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: this.apiVersion, subresource });
    const managers = this.strip(this.updaters[subresource].updateOwnership(live, next, managed.fields, CURRENT_OPERATION), CURRENT_OPERATION);
    const times = new Map(managed.times);
    const current = managers.get(CURRENT_OPERATION);
    if (current) {
      managers.delete(CURRENT_OPERATION);
      const previous = managers.get(id);
      managers.set(id, { set: previous ? current.set.union(previous.set) : current.set, applied: false, apiVersion: this.apiVersion });
      times.set(id, managedFieldsTime());
    }
    return { fields: managers, times };
  }

  private strip(managers: ManagerSets, manager: string): ManagerSets {
    const ms = managers.get(manager);
    if (!ms) return managers;
    const set = ms.set.difference(STRIPPED);
    if (set.empty()) managers.delete(manager);
    else managers.set(manager, { ...ms, set });
    return managers;
  }

  private capUpdateManagers(managed: Managed): void {
    const updaters = [...managed.fields].filter(([, ms]) => !ms.applied).map(([id]) => id);
    if (updaters.length <= MAX_UPDATE_MANAGERS) return;
    const seconds = (id: string): number => {
      const t = managed.times.get(id);
      return t ? Math.floor(Date.parse(t) / 1000) : 0;
    };
    updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
    const firstByVersion = new Map<string, string>();
    let length = updaters.length;
    for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
      const id = updaters[i]!;
      const ms = managed.fields.get(id)!;
      const time = managed.times.get(id);
      const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: ms.apiVersion });
      const first = firstByVersion.get(ms.apiVersion);
      if (first === undefined) {
        firstByVersion.set(ms.apiVersion, id);
        continue;
      }
      if (!managed.fields.has(bucket)) {
        const firstSet = managed.fields.get(first)!;
        managed.fields.delete(first);
        managed.fields.set(bucket, firstSet);
      }
      managed.fields.set(bucket, { set: ms.set.union(managed.fields.get(bucket)!.set), applied: ms.applied, apiVersion: ms.apiVersion });
      managed.fields.delete(id);
      length--;
      managed.times.set(bucket, time);
    }
  }

  private encode(object: ManagedObject | Json, managed: Managed): void {
    const meta = ((object as Json).metadata ??= {}) as Json;
    const entries = encodeManagedFields(managed);
    if (entries) meta.managedFields = entries;
    else delete meta.managedFields;
  }
}
