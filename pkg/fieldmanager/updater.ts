import { compareValues, type Comparison } from './compare-values.js';
import { deepEqual } from './deep-equal.js';
import { FieldSet } from './field-set.js';
import { mergeValues } from './merge-values.js';
import type { MergeType } from './merge-type.js';
import { ensureNamedFieldsAreMembers } from './named-fields.js';
import type { PathElement } from './path-element.js';
import { removeItems } from './remove-items.js';
import { toFieldSet } from './to-field-set.js';

/** The fields one manager owns, whether it owns them by applying, and the API version it used. */
export interface ManagerSet {
  readonly set: FieldSet;
  readonly applied: boolean;
  readonly apiVersion: string;
}

/** Managers by identifier (see managed-fields.ts). */
export type ManagerSets = Map<string, ManagerSet>;

export interface Conflict {
  readonly manager: string;
  readonly path: readonly PathElement[];
}

/** An apply that would change fields other managers own, without force. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} conflicts`);
  }
}

/**
 * Ownership bookkeeping and apply merging for one type at one API version (structured-merge-diff's Updater).
 * `reset` are the fields this endpoint ignores (`status` for the main resource, `spec` for `/status`): changes to
 * them are never owned through it.
 */
export class Updater {
  constructor(
    private readonly type: MergeType,
    private readonly apiVersion: string,
    private readonly reset: FieldSet = new FieldSet(),
  ) {}

  private compare(live: unknown, next: unknown): Comparison {
    const c = compareValues(live, next, this.type);
    return { added: c.added.recursiveDifference(this.reset), modified: c.modified.recursiveDifference(this.reset), removed: c.removed.recursiveDifference(this.reset) };
  }

  /** Takes changed fields away from other managers (or refuses, without force) and drops removed fields from all. */
  private update(live: unknown, next: unknown, managers: ManagerSets, workflow: string, force: boolean): { managers: ManagerSets; comparison: Comparison } {
    const comparison = this.compare(live, next);
    const changed = comparison.modified.union(comparison.added);
    const conflicts = new Map<string, FieldSet>();
    for (const [manager, ms] of managers) {
      if (manager === workflow) continue;
      const conflict = ms.set.intersection(changed);
      if (!conflict.empty()) conflicts.set(manager, conflict);
    }
    if (!force && conflicts.size > 0) {
      const list: Conflict[] = [];
      for (const [manager, set] of conflicts) for (const path of set.paths()) list.push({ manager, path });
      throw new ConflictsError(list);
    }
    const out: ManagerSets = new Map();
    for (const [manager, ms] of managers) {
      let set = ms.set;
      if (manager !== workflow) {
        const conflict = conflicts.get(manager);
        if (conflict) set = set.difference(conflict);
        if (!comparison.removed.empty()) set = set.difference(comparison.removed);
      }
      if (!set.empty()) out.set(manager, { ...ms, set });
    }
    return { managers: out, comparison };
  }

  /** A non-apply write by `manager`: it owns whatever it changed. */
  updateOwnership(live: unknown, next: unknown, managers: ManagerSets, manager: string): ManagerSets {
    const { managers: out, comparison } = this.update(live, next, managers, manager, true);
    const previous = out.get(manager)?.set ?? new FieldSet();
    const set = previous.difference(comparison.removed).union(comparison.modified).union(comparison.added).recursiveDifference(this.reset);
    if (set.empty()) out.delete(manager);
    else out.set(manager, { set, applied: false, apiVersion: this.apiVersion });
    return out;
  }

  /**
   * An apply of `config` by `manager`: merges it into the live object, removes what the manager applied last time
   * and no longer does (unless someone else owns it), and settles ownership. `object` is undefined when the apply
   * changes nothing in the object.
   */
  apply(live: unknown, config: unknown, managers: ManagerSets, manager: string, force: boolean): { object: unknown; managers: ManagerSets } {
    let next = mergeValues(live, config, this.type);
    const last = managers.get(manager);
    const set = toFieldSet(config, this.type).recursiveDifference(this.reset);
    const withApplier: ManagerSets = new Map(managers);
    withApplier.set(manager, { set, applied: true, apiVersion: this.apiVersion });
    next = this.prune(next, withApplier, last);
    const { managers: out } = this.update(live, next, withApplier, manager, force);
    return { object: deepEqual(live, next) ? undefined : next, managers: out };
  }

  private named(set: FieldSet): FieldSet {
    return ensureNamedFieldsAreMembers(set, this.type);
  }

  private prune(merged: unknown, managers: ManagerSets, last: ManagerSet | undefined): unknown {
    if (!last || last.set.empty()) return merged;
    let pruned = removeItems(merged, this.named(last.set), this.type);
    // Add back what any manager (the applier's new configuration included) still owns.
    let owned = new FieldSet();
    for (const ms of managers.values()) owned = owned.union(ms.set);
    const mergedSet = this.named(toFieldSet(merged, this.type));
    pruned = removeItems(merged, mergedSet.difference(this.named(toFieldSet(pruned, this.type)).union(this.named(owned))), this.type);
    // Remove only what the applier owned before: fields nobody owns that it never applied stay.
    const prunedSet = this.named(toFieldSet(pruned, this.type));
    return removeItems(merged, mergedSet.difference(prunedSet).intersection(this.named(last.set)), this.type);
  }
}
