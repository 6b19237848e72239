// Renders the object Herd writes into one member cluster from a Federated<Kind>: the template with Herd's identity
// stamped on it, the scheduler's replica share, then the OverridePolicy rules for the cluster and the object's own
// spec.overrides. Pure: the input is never changed.
import { createHash } from 'node:crypto';
import fastJsonPatch from 'fast-json-patch';
import type { FederatedObject } from '../../api/federation/v1alpha1/federated-resource.js';
import type { TargetType } from '../../api/federation/v1alpha1/federated-type-config.js';
import type {
  ContainerArgsOverrider,
  ImageOverrider,
  MapOverrider,
  OverridePolicy,
  TargetClusters,
} from '../../api/federation/v1alpha1/override-policy.js';
import type { JSONPatchOperation } from '../../api/federation/v1alpha1/placement.js';
import {
  FEDERATED_KIND_ANNOTATION,
  FEDERATED_NAME_ANNOTATION,
  MANAGED_LABEL,
  RENDERED_HASH_ANNOTATION,
} from '../../api/federation/v1alpha1/well-known.js';
import type { KubeObject } from '../../api/meta/object-meta.js';
import { labelSelectorFromMeta } from '../apimachinery/label-selector.js';
import { targetApiVersion } from './member-resource-path.js';

export interface RenderInput {
  /** The Federated<Kind> object as stored (metadata + spec). */
  federated: FederatedObject;
  /** From its FederatedTypeConfig. */
  target: TargetType;
  cluster: { name: string; labels: Readonly<Record<string, string>> };
  /** When given, spec.replicas is set to it (the scheduler's share for this cluster). */
  replicas?: number;
  /** Already selected and ordered; applied in the given order. */
  overridePolicies: readonly OverridePolicy[];
}

export type RenderResult =
  | { ok: true; object: KubeObject }
  | { ok: false; reason: 'OverrideFailed' | 'RenderFailed'; message: string };

type JsonObject = Record<string, unknown>;

/** Template fields Herd sets itself (or never sends): they are not copied from spec.template. */
const NOT_FROM_TEMPLATE = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** An override that cannot apply; its message is prefixed with the policy rule or patch it came from. */
class OverrideError extends Error {}

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** `<namespace>/<name>` or `<name>`: the value of FEDERATED_NAME_ANNOTATION. */
function federatedName(federated: FederatedObject): string {
  const { namespace, name } = federated.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  annotations: Record<string, string>;
}

/**
 * The object for one member cluster: template, replica share, OverridePolicy rules matching the cluster (each rule's
 * overriders in the order image, labels, annotations, args, command, jsonPatch), then spec.overrides for the
 * cluster. An override that cannot apply fails the whole rendering (OverrideFailed); so does an override that
 * changes apiVersion, kind, name, namespace or Herd's label and annotations (RenderFailed).
 */
export function renderMemberObject(input: RenderInput): RenderResult {
  const { federated, target } = input;
  const name = federated.metadata.name;
  if (!name) return { ok: false, reason: 'RenderFailed', message: `${federated.kind} has no metadata.name` };
  const template: unknown = federated.spec?.template;
  if (!isObject(template)) return { ok: false, reason: 'RenderFailed', message: 'spec.template is not an object' };
  const namespace = target.scope === 'Namespaced' ? federated.metadata.namespace : undefined;
  if (target.scope === 'Namespaced' && !namespace) {
    return { ok: false, reason: 'RenderFailed', message: `${target.kind} is namespaced but ${federated.kind} ${name} has no namespace` };
  }
  const identity: Identity = {
    apiVersion: targetApiVersion(target),
    kind: target.kind,
    name,
    namespace,
    annotations: { [FEDERATED_NAME_ANNOTATION]: federatedName(federated), [FEDERATED_KIND_ANNOTATION]: federated.kind },
  };
  const templateMeta = isObject(template.metadata) ? template.metadata : {};
  const object: JsonObject = {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: { ...stringMap(templateMeta.labels), [MANAGED_LABEL]: 'true' },
      annotations: { ...stringMap(templateMeta.annotations), ...identity.annotations },
    },
  };
  for (const [field, value] of Object.entries(template)) {
    if (!NOT_FROM_TEMPLATE.has(field)) object[field] = structuredClone(value);
  }
  if (input.replicas !== undefined) {
    object.spec ??= {};
    if (!isObject(object.spec)) {
      return { ok: false, reason: 'RenderFailed', message: 'spec.template.spec is not an object, so spec.replicas cannot be set' };
    }
    object.spec.replicas = input.replicas;
  }

  let rendered: unknown = object;
  for (const step of overrideSteps(input)) {
    try {
      rendered = step.apply(rendered);
    } catch (err) {
      return { ok: false, reason: 'OverrideFailed', message: `${step.source}: ${errorText(err)}` };
    }
  }
  const broken = brokenInvariant(rendered, identity);
  if (broken !== undefined) return { ok: false, reason: 'RenderFailed', message: broken };
  return { ok: true, object: rendered as KubeObject };
}

/** The first line of an error's message: fast-json-patch appends the operation and the whole document after it. */
function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}

interface OverrideStep {
  /** `OverridePolicy <ns>/<name> rule <i> <overrider>[<j>]` or `spec.overrides[<cluster>] patch <i>`. */
  source: string;
  apply(object: unknown): unknown;
}

function overrideSteps(input: RenderInput): OverrideStep[] {
  const steps: OverrideStep[] = [];
  const podSpec = podSpecPath(input.target);
  for (const policy of input.overridePolicies) {
    const { namespace, name } = policy.metadata;
    const policyName = `OverridePolicy ${namespace ? `${namespace}/` : ''}${name ?? ''}`;
    policy.spec.rules.forEach((rule, i) => {
      const at = `${policyName} rule ${i}`;
      let applies: boolean;
      try {
        applies = targetsCluster(rule.targetClusters, input.cluster);
      } catch (err) {
        steps.push({ source: `${at} targetClusters`, apply: () => { throw err; } });
        return;
      }
      if (!applies) return;
      const o = rule.overriders;
      const add = <T>(kind: string, list: readonly T[] | undefined, apply: (object: unknown, item: T) => unknown) =>
        (list ?? []).forEach((item, j) => steps.push({ source: `${at} ${kind}[${j}]`, apply: (object) => apply(object, item) }));
      add('image', o.image, (object, item) => overrideImages(object, item, podSpec));
      add('labels', o.labels, (object, item) => overrideMap(object, 'labels', item));
      add('annotations', o.annotations, (object, item) => overrideMap(object, 'annotations', item));
      add('args', o.args, (object, item) => overrideContainerList(object, 'args', item, podSpec));
      add('command', o.command, (object, item) => overrideContainerList(object, 'command', item, podSpec));
      add('jsonPatch', o.jsonPatch, applyJsonPatch);
    });
  }
  for (const override of input.federated.spec.overrides ?? []) {
    if (override.clusterName !== input.cluster.name) continue;
    override.patches.forEach((patch, i) =>
      steps.push({ source: `spec.overrides[${override.clusterName}] patch ${i}`, apply: (object) => applyJsonPatch(object, patch) }),
    );
  }
  return steps;
}

/** Unset means every cluster; otherwise named or matching the selector, and never an excluded one. */
function targetsCluster(targets: TargetClusters | undefined, cluster: RenderInput['cluster']): boolean {
  if (targets === undefined) return true;
  if (targets.exclude?.includes(cluster.name)) return false;
  const names = targets.clusterNames ?? [];
  if (names.length === 0 && targets.clusterSelector === undefined) return true;
  if (names.includes(cluster.name)) return true;
  return targets.clusterSelector !== undefined && labelSelectorFromMeta(targets.clusterSelector).matches(cluster.labels);
}

function applyJsonPatch(object: unknown, patch: JSONPatchOperation): unknown {
  if (patch.op !== 'add' && patch.op !== 'remove' && patch.op !== 'replace') {
    throw new OverrideError(`unsupported operation ${JSON.stringify(patch.op)}; use add, remove or replace`);
  }
  try {
    // A copy of the operation, so a later patch never writes into the policy's or the Federated object's value.
    const op = structuredClone(patch) as fastJsonPatch.Operation;
    return fastJsonPatch.applyOperation(object, op, true, true, true, 0).newDocument;
  } catch (err) {
    throw new OverrideError(`${patch.op} ${patch.path}: ${errorText(err)}`);
  }
}

// ---- JSON pointers (RFC 6901) for image predicates and pod templates ----

function pointerTokens(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new OverrideError(`${JSON.stringify(pointer)} is not a JSON pointer: it must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw new OverrideError(`${JSON.stringify(pointer)} is not a JSON pointer: bad escape in ${JSON.stringify(token)}`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The object or array holding the value at pointer, and the key of the value in it; throws when the path is missing. */
function locate(root: unknown, pointer: string): { holder: JsonObject | unknown[]; key: string | number } {
  const tokens = pointerTokens(pointer);
  let holder: unknown = root;
  for (const [i, token] of tokens.entries()) {
    let key: string | number;
    if (Array.isArray(holder)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= holder.length) throw new OverrideError(`${pointer} does not exist`);
      key = Number(token);
    } else if (isObject(holder) && Object.hasOwn(holder, token)) {
      key = token;
    } else {
      throw new OverrideError(`${pointer} does not exist`);
    }
    if (i === tokens.length - 1) return { holder, key };
    holder = (holder as Record<string | number, unknown>)[key];
  }
  throw new OverrideError(`${JSON.stringify(pointer)} names the whole object, not a field`);
}

// ---- Pod templates ----

/** Where the pod spec of a target kind is: a Pod's own spec, a CronJob's job template, else spec.template.spec. */
function podSpecPath(target: TargetType): string {
  if (!target.group && target.kind === 'Pod') return '/spec';
  if (target.group === 'batch' && target.kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  return '/spec/template/spec';
}

function podContainers(object: unknown, podSpec: string): JsonObject[] {
  let spec: unknown;
  try {
    const { holder, key } = locate(object, podSpec);
    spec = (holder as Record<string | number, unknown>)[key];
  } catch {
    throw new OverrideError(`the object has no pod template at ${podSpec}`);
  }
  if (!isObject(spec)) throw new OverrideError(`${podSpec} is not an object`);
  const containers: JsonObject[] = [];
  for (const field of ['containers', 'initContainers']) {
    const list = spec[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new OverrideError(`${podSpec}/${field} is not a list`);
    for (const c of list) if (isObject(c)) containers.push(c);
  }
  return containers;
}

// ---- Image overrider ----

interface ImageReference {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** `[registry/]repository[:tag][@digest]`; the first path part is a registry when it has a dot or port, or is localhost. */
function parseImage(image: string): ImageReference {
  let rest = image;
  const ref: Partial<ImageReference> = {};
  const at = rest.indexOf('@');
  if (at >= 0) {
    ref.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      ref.registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    ref.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest === '' || ref.tag === '' || ref.digest === '') throw new OverrideError(`${JSON.stringify(image)} is not an image reference`);
  return { ...ref, repository: rest };
}

function formatImage(ref: ImageReference): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * add sets a part that is missing (Repository is never missing); replace sets it; remove drops it. Tag means the
 * tag or digest: a value with a colon (`sha256:…`) is a digest, and setting one drops the other.
 */
function changeImage(image: string, overrider: ImageOverrider): string {
  const ref = parseImage(image);
  const { component, operator, value } = overrider;
  if (operator !== 'add' && operator !== 'remove' && operator !== 'replace') throw new OverrideError(`unknown operator ${JSON.stringify(operator)}`);
  if (operator !== 'remove' && (typeof value !== 'string' || value === '')) throw new OverrideError(`${operator} ${component} needs a value`);
  const v = value ?? '';
  switch (component) {
    case 'Registry':
      if (operator === 'remove') delete ref.registry;
      else if (operator === 'replace' || !ref.registry) ref.registry = v;
      break;
    case 'Repository':
      if (operator === 'remove') throw new OverrideError('the repository of an image cannot be removed');
      if (operator === 'replace') ref.repository = v;
      break;
    case 'Tag':
      if (operator === 'add' && (ref.tag || ref.digest)) break;
      delete ref.tag;
      delete ref.digest;
      if (operator !== 'remove') {
        if (v.includes(':')) ref.digest = v;
        else ref.tag = v;
      }
      break;
    default:
      throw new OverrideError(`unknown component ${JSON.stringify(component)}`);
  }
  return formatImage(ref);
}

function overrideImages(object: unknown, overrider: ImageOverrider, podSpec: string): unknown {
  if (overrider.predicate !== undefined) {
    const { holder, key } = locate(object, overrider.predicate.path);
    const image = (holder as Record<string | number, unknown>)[key];
    if (typeof image !== 'string') throw new OverrideError(`${overrider.predicate.path} is not an image`);
    (holder as Record<string | number, unknown>)[key] = changeImage(image, overrider);
    return object;
  }
  for (const container of podContainers(object, podSpec)) {
    if (typeof container.image === 'string') container.image = changeImage(container.image, overrider);
  }
  return object;
}

// ---- Labels, annotations, args and command ----

/** add sets every given key; replace sets only keys already present; remove deletes the given keys. */
function overrideMap(object: unknown, field: 'labels' | 'annotations', overrider: MapOverrider): unknown {
  const metadata = isObject(object) ? object.metadata : undefined;
  if (!isObject(metadata)) throw new OverrideError('the object has no metadata');
  const { operator, value } = overrider;
  if (operator !== 'add' && operator !== 'remove' && operator !== 'replace') throw new OverrideError(`unknown operator ${JSON.stringify(operator)}`);
  if (!isObject(value)) throw new OverrideError('value is not a map');
  const current = metadata[field];
  if (current !== undefined && !isObject(current)) throw new OverrideError(`metadata.${field} is not a map`);
  const next: JsonObject = { ...(current ?? {}) };
  for (const [key, v] of Object.entries(value)) {
    if (operator === 'remove') {
      delete next[key];
      continue;
    }
    if (typeof v !== 'string') throw new OverrideError(`the value of ${key} is not a string`);
    if (operator === 'add' || Object.hasOwn(next, key)) next[key] = v;
  }
  metadata[field] = next;
  return object;
}

/** add appends value; remove deletes every entry equal to one in value. The container may be an init container. */
function overrideContainerList(object: unknown, field: 'args' | 'command', overrider: ContainerArgsOverrider, podSpec: string): unknown {
  const container = podContainers(object, podSpec).find((c) => c.name === overrider.containerName);
  if (container === undefined) throw new OverrideError(`no container named ${JSON.stringify(overrider.containerName)} in ${podSpec}`);
  const current = container[field] ?? [];
  if (!Array.isArray(current)) throw new OverrideError(`${field} of container ${overrider.containerName} is not a list`);
  if (overrider.operator === 'add') container[field] = [...current, ...overrider.value];
  else if (overrider.operator === 'remove') {
    if (container[field] !== undefined) container[field] = current.filter((entry) => !overrider.value.includes(entry as string));
  } else throw new OverrideError(`unknown operator ${JSON.stringify(overrider.operator)}`);
  return object;
}

// ---- Invariants ----

/** Why the overridden object is not the object Herd must write, or undefined when it is. */
function brokenInvariant(rendered: unknown, want: Identity): string | undefined {
  if (!isObject(rendered)) return 'overrides replaced the object with something that is not an object';
  if (rendered.apiVersion !== want.apiVersion) return `overrides changed apiVersion; it must stay ${want.apiVersion}`;
  if (rendered.kind !== want.kind) return `overrides changed kind; it must stay ${want.kind}`;
  const meta = rendered.metadata;
  if (!isObject(meta)) return 'overrides removed metadata';
  if (meta.name !== want.name) return `overrides changed metadata.name; it must stay ${want.name}`;
  if (meta.namespace !== want.namespace) {
    return want.namespace === undefined
      ? `overrides set metadata.namespace on a cluster-scoped ${want.kind}`
      : `overrides changed metadata.namespace; it must stay ${want.namespace}`;
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = meta[field];
    if (!isObject(map)) return `overrides removed metadata.${field}`;
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== 'string') return `overrides set metadata.${field}[${key}] to a value that is not a string`;
    }
  }
  const labels = meta.labels as JsonObject;
  if (labels[MANAGED_LABEL] !== 'true') return `overrides removed or changed the label ${MANAGED_LABEL}`;
  const annotations = meta.annotations as JsonObject;
  for (const [key, value] of Object.entries(want.annotations)) {
    if (annotations[key] !== value) return `overrides removed or changed the annotation ${key}`;
  }
  return undefined;
}

// ---- Hash ----

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (isObject(value)) {
    const fields = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 (hex) of the object as JSON with object keys sorted, leaving out RENDERED_HASH_ANNOTATION itself, so an
 * object that carries its hash hashes to the same value. Equal renderings hash equally whatever their key order.
 */
export function renderedHash(object: KubeObject): string {
  const annotations = object.metadata?.annotations;
  let subject: KubeObject = object;
  if (annotations !== undefined && Object.hasOwn(annotations, RENDERED_HASH_ANNOTATION)) {
    const { [RENDERED_HASH_ANNOTATION]: _hash, ...rest } = annotations;
    subject = { ...object, metadata: { ...object.metadata, annotations: rest } };
  }
  return createHash('sha256').update(canonicalJson(subject)).digest('hex');
}
