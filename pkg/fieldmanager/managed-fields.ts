import type { ManagedFieldsEntry } from '../../api/meta/object-meta.js';
import { FieldSet, type FieldsV1 } from './field-set.js';
import type { ManagerSets } from './updater.js';

/** Managers' field sets and the time each last changed something, keyed by manager identifier. */
export interface Managed {
  readonly fields: ManagerSets;
  readonly times: Map<string, string | undefined>;
}

export interface ManagerInfo {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion?: string;
  readonly subresource?: string;
}

/**
 * The key a manager's entry is known by: its name, operation, subresource and, for updates only, API version, as
 * compact JSON with empty parts left out (so an applier keeps one entry whatever version it applies with).
 */
export function managerIdentifier(info: ManagerInfo): string {
  const id: Record<string, string> = {};
  if (info.manager) id.manager = info.manager;
  id.operation = info.operation;
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

export function parseManagerIdentifier(id: string): ManagerInfo {
  try {
    const v = JSON.parse(id) as Partial<ManagerInfo>;
    return { manager: v.manager ?? '', operation: v.operation ?? 'Update', ...(v.apiVersion ? { apiVersion: v.apiVersion } : {}), ...(v.subresource ? { subresource: v.subresource } : {}) };
  } catch {
    return { manager: id, operation: 'Update' };
  }
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

/** Decodes `metadata.managedFields`; throws an Error describing the first malformed entry. */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managed {
  const managed = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType === undefined || (e.fieldsType as string) === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${String(e.fieldsType)}" in managed fields entry ${i}`);
    const id = managerIdentifier({ manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion, ...(e.subresource ? { subresource: e.subresource } : {}) });
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new Error(`error decoding set: ${(err as Error).message}`);
    }
    managed.fields.set(id, { set, applied: e.operation === 'Apply', apiVersion: e.apiVersion });
    managed.times.set(id, e.time);
  });
  return managed;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** Encodes managers as entries, in kube-apiserver's order: Apply before Update, then by time, manager, version. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, ms] of managed.fields) {
    const info = parseManagerIdentifier(id);
    const time = managed.times.get(id);
    const entry: ManagedFieldsEntry = {
      manager: info.manager,
      operation: ms.applied ? 'Apply' : 'Update',
      apiVersion: ms.apiVersion,
      ...(time ? { time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: ms.set.toFieldsV1() as FieldsV1,
      ...(info.subresource ? { subresource: info.subresource } : {}),
    };
    if (!entry.manager) delete entry.manager;
    entries.push(entry);
  }
  return entries.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation! < q.operation! ? -1 : 1;
    const d = seconds(p.time) - seconds(q.time);
    if (d !== 0) return d;
    const pm = p.manager ?? '';
    const qm = q.manager ?? '';
    if (pm !== qm) return pm < qm ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return (p.apiVersion ?? '') < (q.apiVersion ?? '') ? -1 : 1;
    return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0;
  });
}

/** Now, as metav1.Time serialises it: RFC 3339 in UTC with whole seconds. */
export function managedFieldsTime(now: Date = new Date()): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}
