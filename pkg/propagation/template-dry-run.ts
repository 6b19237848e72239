import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { FederatedObject } from '../../api/federation/v1alpha1/federated-resource.js';
import type { TargetType } from '../../api/federation/v1alpha1/federated-type-config.js';
import { GROUP } from '../../api/federation/v1alpha1/well-known.js';
import { StatusError, type StatusCause } from '../apimachinery/status-error.js';
import type { MemberSnapshot } from '../members/member-fleet.js';
import type { FleetView } from './fleet-view.js';
import { collectionPath, objectPath, targetApiVersion } from './member-resource-path.js';
import { MemberUnavailableError, MemberWriter } from './member-writer.js';
import { renderMemberObject } from './render-member-object.js';

export interface TemplateDryRunOptions {
  readonly fleet: FleetView;
  /** Deadline of the dry run; a member slower than this lets the write through unchecked. Default 3 s. */
  readonly timeoutMs?: number;
  /** Templates found valid are not checked again for this long. Default 10 min. */
  readonly cacheTtlMs?: number;
}

/** Namespace the dry run happens in, so a template is checked even before its namespace exists in a member. */
const DRY_RUN_NAMESPACE = 'default';

function serves(member: MemberSnapshot, target: TargetType): boolean {
  const gv = targetApiVersion(target);
  const group = member.apiEnablements?.find((g) => g.groupVersion === gv);
  if (!member.apiEnablements) return true;
  return group !== undefined && (group.resources === undefined || group.resources.some((r) => r.kind === target.kind));
}

/**
 * Refuses a Federated object whose template the members would refuse, at create/update time, with the member's own
 * causes (field paths moved under spec.template) instead of N failures after the fact. The template, rendered without
 * overrides, is sent as a server-side dry-run create to one Ready member that serves the kind. Templates that passed
 * are remembered by hash (names excluded), so a stream of objects from one template costs one dry run. When no member
 * is Ready, or the dry run cannot complete in time, the write goes through unchecked: members being down must not
 * block writes, and the fan-out reports any refusal per cluster later.
 */
export class TemplateDryRun {
  private readonly valid: LRUCache<string, true>;
  private readonly writers = new Map<string, MemberWriter>();

  constructor(private readonly o: TemplateDryRunOptions) {
    this.valid = new LRUCache({ max: 10_000, ttl: o.cacheTtlMs ?? 600_000 });
  }

  async admit(target: TargetType, object: { kind?: string; metadata?: { name?: string } }): Promise<void> {
    const fed = object as unknown as FederatedObject;
    const key = createHash('sha256').update(JSON.stringify([targetApiVersion(target), target.kind, fed.spec?.template ?? {}])).digest('hex');
    if (this.valid.has(key)) return;
    const member = this.o.fleet
      .members()
      .filter((m) => m.ready && m.client && !m.leaving && serves(m, target))
      .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (!member) return;
    const rendered = renderMemberObject({ federated: fed, target, cluster: { name: member.name, labels: member.labels }, overridePolicies: [] });
    if (!rendered.ok) return;
    const candidate = rendered.object;
    const namespaced = target.scope === 'Namespaced';
    if (namespaced) candidate.metadata.namespace = DRY_RUN_NAMESPACE;
    const writer = this.writer(member);
    let res;
    try {
      res = await writer.call('POST', `${collectionPath(target, namespaced ? DRY_RUN_NAMESPACE : undefined)}?dryRun=All&fieldManager=herd`, candidate);
      if (res.status === 409) {
        // The name is taken there: check the template as an update of that object instead.
        const path = objectPath(target, namespaced ? DRY_RUN_NAMESPACE : undefined, String(candidate.metadata.name));
        res = await writer.call('PATCH', `${path}?dryRun=All&fieldManager=herd&force=true`, candidate, 'application/apply-patch+yaml');
      }
    } catch (err) {
      if (err instanceof MemberUnavailableError) return;
      throw err;
    }
    if (res.status === 200 || res.status === 201) {
      this.valid.set(key, true);
      return;
    }
    if (res.status !== 422 && res.status !== 400) return;
    let status: { reason?: string; message?: string; details?: { causes?: StatusCause[] } };
    try {
      status = JSON.parse(res.body) as typeof status;
    } catch {
      return;
    }
    const causes = (status.details?.causes ?? []).map((c) => ({ ...c, ...(c.field ? { field: `spec.template.${c.field}` } : {}) }));
    const kind = String(object.kind);
    const name = String(object.metadata?.name ?? '');
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
    const detail = parts.length === 0 ? (status.message ?? 'refused') : parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
    throw new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: `${kind}.${GROUP} "${name}" is invalid: ${detail} (the template was refused by member cluster ${member.name} in a server-side dry run)`,
      details: { name, group: GROUP, kind, causes },
    });
  }

  private writer(member: MemberSnapshot): MemberWriter {
    let w = this.writers.get(member.name);
    if (!w || w.client !== member.client) {
      w = new MemberWriter(member.name, member.client!, { timeoutMs: this.o.timeoutMs ?? 3_000, attempts: 1 });
      this.writers.set(member.name, w);
    }
    return w;
  }
}
