// Maps a request (RequestInfo + user) to an `authorization.k8s.io/v1` SubjectAccessReview spec exactly as apiserver's
// webhook authorizer builds it (plugin/pkg/authorizer/webhook/webhook.go with the attributes of
// endpoints/filters/authorization.go). Empty fields are left out, as Go's `omitempty` does.
//
// Selector requirements: since 1.31 (feature AuthorizeWithSelectors: beta and on in 1.32, always on from 1.34)
// upstream parses the list/watch/deletecollection `fieldSelector` and `labelSelector` and sends the requirements
// it can express. We send them too by default: RBAC ignores them, a host that predates the fields drops them as
// unknown, and an authorization webhook behind the host may use them to allow narrower requests.
import { parseFieldSelector } from '../apimachinery/field-selector.js';
import { parseLabelSelector } from '../apimachinery/label-selector.js';
import type { RequestInfo } from '../apimachinery/request-info.js';
import type { UserInfo } from './user-info.js';

export interface FieldSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  fieldSelector?: { requirements: FieldSelectorRequirement[] };
  labelSelector?: { requirements: LabelSelectorRequirement[] };
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface SubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
}

export interface SubjectAccessReviewSpecOptions {
  /** Send field/label selector requirements (default true, as upstream since 1.34). */
  selectors?: boolean;
}

/** Upstream's field requirements: `=`/`==` become In, `!=` becomes NotIn, each with one value. Undefined if none. */
function fieldRequirements(selector: string): FieldSelectorRequirement[] | undefined {
  if (selector === '') return undefined;
  let parsed;
  try {
    parsed = parseFieldSelector(selector);
  } catch {
    return undefined; // a selector that does not parse authorizes the unrestricted request
  }
  const out = parsed.requirements.map((r) => ({ key: r.field, operator: r.operator === '=' ? ('In' as const) : ('NotIn' as const), values: [r.value] }));
  return out.length > 0 ? out : undefined;
}

const LABEL_OPERATORS: Readonly<Record<string, LabelSelectorRequirement['operator']>> = {
  '=': 'In',
  '==': 'In',
  in: 'In',
  '!=': 'NotIn',
  notin: 'NotIn',
  exists: 'Exists',
  '!': 'DoesNotExist',
};

/** Upstream's label requirements; `>`/`<` cannot be expressed and are dropped (requirements are AND-ed). */
function labelRequirements(selector: string): LabelSelectorRequirement[] | undefined {
  if (selector === '') return undefined;
  let parsed;
  try {
    parsed = parseLabelSelector(selector);
  } catch {
    return undefined;
  }
  const out: LabelSelectorRequirement[] = [];
  for (const r of parsed.requirements) {
    const operator = Object.hasOwn(LABEL_OPERATORS, r.operator) ? LABEL_OPERATORS[r.operator] : undefined;
    if (operator === undefined) continue;
    const req: LabelSelectorRequirement = { key: r.key, operator };
    if (r.values.length > 0) req.values = [...r.values];
    out.push(req);
  }
  return out.length > 0 ? out : undefined;
}

function resourceAttributes(info: RequestInfo, selectors: boolean): ResourceAttributes {
  const attrs: ResourceAttributes = {};
  const set = (key: 'namespace' | 'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'name', value: string): void => {
    if (value !== '') attrs[key] = value;
  };
  set('namespace', info.namespace);
  set('verb', info.verb);
  set('group', info.apiGroup);
  set('version', info.apiVersion);
  set('resource', info.resource);
  set('subresource', info.subresource);
  set('name', info.name);
  if (selectors) {
    const fields = fieldRequirements(info.fieldSelector);
    if (fields !== undefined) attrs.fieldSelector = { requirements: fields };
    const labels = labelRequirements(info.labelSelector);
    if (labels !== undefined) attrs.labelSelector = { requirements: labels };
  }
  return attrs;
}

/** The SubjectAccessReview spec for `info` as seen by `user` (no user fields when `user` is undefined). */
export function subjectAccessReviewSpec(
  info: RequestInfo,
  user: UserInfo | undefined,
  options: SubjectAccessReviewSpecOptions = {},
): SubjectAccessReviewSpec {
  const spec: SubjectAccessReviewSpec = {};
  if (info.isResourceRequest) {
    spec.resourceAttributes = resourceAttributes(info, options.selectors ?? true);
  } else {
    const attrs: NonResourceAttributes = {};
    if (info.path !== '') attrs.path = info.path;
    if (info.verb !== '') attrs.verb = info.verb;
    spec.nonResourceAttributes = attrs;
  }
  if (user !== undefined) {
    if (user.name !== '') spec.user = user.name;
    if (user.groups.length > 0) spec.groups = [...user.groups];
    const extra = Object.entries(user.extra);
    if (extra.length > 0) spec.extra = Object.fromEntries(extra.map(([k, v]) => [k, [...v]]));
    if (user.uid) spec.uid = user.uid;
  }
  return spec;
}
