import { newNotAcceptable, newNotAcceptableConversion, newUnsupportedMediaType, type StatusError } from './status-error.js';

/** What a response should be: its media type, and the meta.k8s.io form it is converted to, if any. */
export interface ResponseTarget {
  readonly mediaType: 'application/json' | 'application/yaml';
  readonly as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
}

interface MediaRange {
  readonly type: string;
  readonly params: Readonly<Record<string, string>>;
  readonly q: number;
  readonly order: number;
}

/** Splits an Accept header into media ranges, highest quality first (stable for equal quality). */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || header.trim() === '') return [{ type: '*/*', params: {}, q: 1, order: 0 }];
  return header
    .split(',')
    .map((part, order) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      let q = 1;
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq < 0) continue;
        const k = p.slice(0, eq).trim().toLowerCase();
        const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
        if (k === 'q') q = Number(v);
        else params[k] = v;
      }
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

const SERIALIZERS = ['application/json', 'application/yaml'] as const;
export const ACCEPTED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/**
 * Picks the response form for an object or list request as kube-apiserver's negotiation does: the first acceptable
 * media range wins; `as=Table` / `as=PartialObjectMetadata(List)` need `g=meta.k8s.io` and `v=v1` (v1beta1 is gone)
 * and are allowed only where `conversions` says so; protobuf alone is refused with 406.
 */
export function negotiateResponse(accept: string | undefined, conversions: { list: boolean }): ResponseTarget {
  const ranges = parseAccept(accept);
  let conversionAsked: string | undefined;
  for (const r of ranges) {
    const mediaType = r.type === '*/*' || r.type === 'application/*' ? 'application/json' : SERIALIZERS.find((m) => m === r.type);
    if (!mediaType) continue;
    const as = r.params.as;
    if (as === undefined) {
      if (r.params.g || r.params.v) continue;
      return { mediaType };
    }
    conversionAsked ??= `${as};g=${r.params.g ?? ''};v=${r.params.v ?? ''}`;
    if (r.params.g !== 'meta.k8s.io' || r.params.v !== 'v1') continue;
    if (as === 'Table') return { mediaType, as };
    if (as === 'PartialObjectMetadata' && !conversions.list) return { mediaType, as };
    if (as === 'PartialObjectMetadataList' && conversions.list) return { mediaType, as };
  }
  if (conversionAsked) throw newNotAcceptableConversion(conversionAsked, ACCEPTED_MEDIA_TYPES);
  throw newNotAcceptable(ACCEPTED_MEDIA_TYPES);
}

export type BodyFormat = 'json' | 'yaml';
export type PatchFormat = 'json-patch' | 'merge-patch' | 'apply-patch' | 'strategic-merge-patch';

/** The format of a create/update body from its Content-Type; anything else is the upstream 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === '') return 'json';
  if (type === 'application/yaml') return 'yaml';
  throw unsupported(['application/json', 'application/yaml']);
}

/** The patch type from a PATCH Content-Type. */
export function patchFormat(contentType: string | undefined): PatchFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/apply-patch+yaml':
      return 'apply-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    default:
      throw unsupported(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  }
}

function unsupported(types: readonly string[]): StatusError {
  return newUnsupportedMediaType(types);
}
