import { newApplyConflict, type StatusError } from '../apimachinery/status-error.js';
import { goQuote } from '../apimachinery/go-text.js';
import { parseManagerIdentifier } from './managed-fields.js';
import { printPath } from './path-element.js';
import type { Conflict } from './updater.js';

/** `"kubectl"`, `"ctl" with subresource "status"`, `"editor" using group/v1` — how kube-apiserver names a manager. */
export function printManager(id: string): string {
  const info = parseManagerIdentifier(id);
  let text = goQuote(info.manager);
  if (info.subresource) text = `${text} with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') text = `${text} using ${info.apiVersion ?? ''}`;
  return text;
}

/** The 409 an apply gets when it would change fields other managers own: one cause per field, as upstream words it. */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const ordered = [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  const causes = ordered.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: printPath(c.path) }));
  let message: string;
  if (ordered.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(ordered[0]!.manager)}: ${printPath(ordered[0]!.path)}`;
  } else {
    const lines: string[] = [];
    let current: string | undefined;
    for (const c of ordered) {
      if (c.manager !== current) {
        lines.push(`conflicts with ${printManager(c.manager)}:`);
        current = c.manager;
      }
      lines.push(`- ${printPath(c.path)}`);
    }
    message = `Apply failed with ${ordered.length} conflicts: ${lines.join('\n')}`;
  }
  return newApplyConflict(causes, message);
}
