import type { ClusterExplanation } from '../../pkg/placement/schedule-placement.js';

export interface PlacementExplanationView {
  metadata: { name: string; namespace?: string };
  source?: string;
  policy?: { kind: string; namespace?: string; name: string };
  message?: string;
  unschedulable?: string;
  clusters: ClusterExplanation[];
}

/** The text `herd explain` prints: where the placement came from, then one row per member, chosen ones first. */
export function formatPlacementTable(kind: string, e: PlacementExplanationView): string {
  const id = e.metadata.namespace ? `${e.metadata.namespace}/${e.metadata.name}` : e.metadata.name;
  const lines = [`${kind} ${id}`];
  if (e.policy) lines.push(`placement: from ${e.policy.kind} ${e.policy.namespace ? `${e.policy.namespace}/` : ''}${e.policy.name}`);
  else if (e.source === 'Spec') lines.push('placement: spec.placement');
  if (e.message) lines.push(e.message);
  if (e.unschedulable) lines.push(`unschedulable: ${e.unschedulable}`);
  const rows = [...e.clusters]
    .sort((a, b) => Number(b.selected) - Number(a.selected) || a.cluster.localeCompare(b.cluster))
    .map((c) => [c.cluster, c.selected ? 'yes' : 'no', c.replicas === undefined ? '' : String(c.replicas), c.score === undefined ? '' : String(c.score), c.filter ?? '', c.reason ?? '']);
  const header = ['CLUSTER', 'CHOSEN', 'REPLICAS', 'SCORE', 'FILTER', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd();
  lines.push('', fmt(header), ...rows.map(fmt));
  if (rows.length === 0) lines.push('(no member clusters are joined)');
  return lines.join('\n') + '\n';
}
