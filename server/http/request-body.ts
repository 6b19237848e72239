import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { newBadRequest } from '../../pkg/apimachinery/status-error.js';
import type { BodyFormat } from '../../pkg/apimachinery/negotiation.js';
import { duplicateFields } from '../../pkg/registry/duplicate-fields.js';
import type { DecodedBody } from '../../pkg/registry/resource-store.js';

/** The kind a body was meant to be, for the upstream "cannot be handled" message. */
export interface BodyTarget {
  readonly kind: string;
}

/**
 * Decodes a create/update body (JSON or YAML) as kube-apiserver does, recording duplicate keys for
 * fieldValidation. Malformed input is a 400 naming the expected kind; nothing is half-applied.
 */
export function decodeBody(raw: string, format: BodyFormat, target: BodyTarget): DecodedBody {
  if (format === 'json') {
    try {
      const object: unknown = JSON.parse(raw);
      return { object, duplicateFields: duplicateFields(raw) };
    } catch (err) {
      const detail = raw.trim() === '' ? 'unexpected end of JSON input' : (err as Error).message;
      throw newBadRequest(`the object provided is unrecognized (must be of type ${target.kind}): couldn't get version/kind; json parse error: ${detail} (${raw.slice(0, 100)})`);
    }
  }
  const doc = parseDocument(raw, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!.message.split('\n')[0];
    throw newBadRequest(`the object provided is unrecognized (must be of type ${target.kind}): couldn't get version/kind; yaml parse error: ${first}`);
  }
  const duplicates: string[] = [];
  yamlDuplicates(doc.contents, '', duplicates);
  return { object: doc.toJS() as unknown, duplicateFields: duplicates };
}

/** Repeated keys in a YAML document, as field paths (`spec.replicas`, `items[1].name`). */
function yamlDuplicates(node: unknown, path: string, out: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const child = path ? `${path}.${key}` : key;
      if (seen.has(key)) out.push(child);
      else seen.add(key);
      yamlDuplicates(item.value, child, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((v, i) => yamlDuplicates(v, `${path}[${i}]`, out));
  }
}
