import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isSeq, parseDocument } from 'yaml';
import { GLOBAL_VIEW_PREFIX, clusterProxyPrefix } from '../../api/fleet/v1alpha1/well-known.js';

/** The context (and cluster entry) of the fleet view: every member, merged, read-only. */
export const FLEET_CONTEXT = 'fleet';

/** The context (and cluster entry) reaching one member through Herd, as the caller: `member-2@fleet`. */
export function memberContextName(member: string): string {
  return `${member}@${FLEET_CONTEXT}`;
}

/** A kubeconfig file as read: its path (relative file references in it are relative to its folder) and text. */
export interface KubeconfigFile {
  readonly path: string;
  readonly text: string;
}

type Fields = Record<string, unknown>;

/** One `clusters`, `users` or `contexts` entry: its name and body (`cluster`, `user` or `context`). */
export interface NamedEntry {
  readonly name: string;
  readonly body: Fields;
  /** The file the body came from, for the relative paths in it. */
  readonly from?: string;
}

/** What `writeFleetContexts` adds to a kubeconfig, computed from the host context. */
export interface FleetContextPlan {
  readonly hostContext: string;
  /** The host context's user entry (the caller's own credentials), absent for an anonymous context. */
  readonly user?: NamedEntry;
  readonly clusters: readonly NamedEntry[];
  readonly contexts: readonly NamedEntry[];
  /** The file defining the host context: where the contexts go unless told otherwise. */
  readonly contextFile: string;
}

export interface FleetContextOptions {
  /** The host context (where Herd is registered); default: the current context. */
  readonly context?: string;
  /** Members to write a `<member>@fleet` context for. */
  readonly members?: readonly string[];
}

const KIND_BODY = { clusters: 'cluster', users: 'user', contexts: 'context' } as const;
type Section = keyof typeof KIND_BODY;

/** File references of kubeconfig entries, resolved against the kubeconfig's folder when relative (as kubectl does). */
const PATH_FIELDS: Record<Section, readonly string[]> = {
  clusters: ['certificate-authority'],
  users: ['client-certificate', 'client-key', 'tokenFile'],
  contexts: [],
};

/** DNS-1123 subdomain: what a MemberCluster name may be. */
const MEMBER_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isMemberName(name: string): boolean {
  return MEMBER_NAME.test(name);
}

function parse(file: KubeconfigFile): Document {
  const doc = parseDocument(file.text);
  if (doc.errors.length > 0) throw new Error(`${file.path} is not valid YAML: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new Error(`${file.path} is not a kubeconfig (not a mapping)`);
  return doc;
}

function entries(doc: Document, section: Section): { name: string; body: Fields }[] {
  const seq = doc.get(section);
  if (!isSeq(seq)) return [];
  return seq.items.flatMap((item) => {
    const json = (isMap(item) ? item.toJSON() : undefined) as { name?: unknown } & Fields | undefined;
    if (!json || typeof json.name !== 'string') return [];
    const body = json[KIND_BODY[section]];
    return [{ name: json.name, body: (body && typeof body === 'object' ? body : {}) as Fields }];
  });
}

/** kubectl's merge rule over several files: the first file that defines a name wins. */
function lookup(docs: readonly { file: KubeconfigFile; doc: Document }[], section: Section, name: string): NamedEntry | undefined {
  for (const { file, doc } of docs) {
    const found = entries(doc, section).find((e) => e.name === name);
    if (found) return { ...found, from: file.path };
  }
  return undefined;
}

function withoutTrailingSlash(server: string): string {
  return server.replace(/\/+$/, '');
}

/**
 * The contexts for the fleet view, from the host context of `files` (read in kubectl's order, first definition wins):
 * `fleet` with the host's server plus the view prefix, and `<member>@fleet` per member with the server plus the
 * member's proxy prefix; same cluster settings (CA, TLS server name, proxy) and the same user entry as the host
 * context, and its namespace.
 */
export function planFleetContexts(files: readonly KubeconfigFile[], options: FleetContextOptions = {}): FleetContextPlan {
  if (files.length === 0) throw new Error('no kubeconfig to read');
  const docs = files.map((file) => ({ file, doc: parse(file) }));
  const current = docs.map(({ doc }) => doc.get('current-context')).find((c): c is string => typeof c === 'string' && c !== '');
  const hostContext = options.context ?? current;
  const where = files.map((f) => f.path).join(', ');
  if (!hostContext) throw new Error(`${where} has no current context; name the host cluster's context with --context`);
  const context = lookup(docs, 'contexts', hostContext);
  if (!context) throw new Error(`context "${hostContext}" is not in ${where}`);
  const clusterName = context.body.cluster;
  if (typeof clusterName !== 'string' || clusterName === '') throw new Error(`context "${hostContext}" names no cluster`);
  const cluster = lookup(docs, 'clusters', clusterName);
  if (!cluster) throw new Error(`cluster "${clusterName}" of context "${hostContext}" is not in ${where}`);
  const server = cluster.body.server;
  if (typeof server !== 'string' || server === '') throw new Error(`cluster "${clusterName}" has no server`);
  if (server.includes('/apis/fleet.herd.io/')) {
    throw new Error(`context "${hostContext}" already goes through Herd's fleet view (${server}); name the host cluster's own context with --context`);
  }
  const userName = typeof context.body.user === 'string' && context.body.user !== '' ? context.body.user : undefined;
  const user = userName === undefined ? undefined : lookup(docs, 'users', userName);
  if (userName !== undefined && !user) throw new Error(`user "${userName}" of context "${hostContext}" is not in ${where}`);

  const members = options.members ?? [];
  for (const m of members) if (!isMemberName(m)) throw new Error(`member name "${m}" is not a DNS-1123 subdomain`);
  const targets = [
    { name: FLEET_CONTEXT, path: GLOBAL_VIEW_PREFIX },
    ...[...new Set(members)].map((m) => ({ name: memberContextName(m), path: clusterProxyPrefix(m) })),
  ];
  const clash = targets.find((t) => t.name === clusterName || t.name === userName);
  if (clash) throw new Error(`context "${hostContext}" uses the entry "${clash.name}" that the fleet contexts would replace; rename it first`);

  const { server: _server, ...clusterSettings } = cluster.body;
  const contextSettings: Fields = {
    ...(userName !== undefined ? { user: userName } : {}),
    ...(typeof context.body.namespace === 'string' && context.body.namespace !== '' ? { namespace: context.body.namespace } : {}),
  };
  return {
    hostContext,
    ...(user ? { user } : {}),
    clusters: targets.map((t) => ({ name: t.name, body: { server: withoutTrailingSlash(server) + t.path, ...clusterSettings }, from: cluster.from! })),
    contexts: targets.map((t) => ({ name: t.name, body: { cluster: t.name, ...contextSettings } })),
    contextFile: context.from!,
  };
}

/** The entry's body with relative file references made absolute when it moves to a file in another folder. */
function relocate(entry: NamedEntry, section: Section, output: string): Fields {
  if (!entry.from || dirname(resolve(entry.from)) === dirname(resolve(output))) return entry.body;
  const body = { ...entry.body };
  for (const field of PATH_FIELDS[section]) {
    const value = body[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) body[field] = resolve(dirname(entry.from), value);
  }
  return body;
}

/** Replaces the entry of that name in a section, or appends it; other entries stay as they are. */
function upsert(doc: Document, section: Section, name: string, body: Fields): void {
  let seq = doc.get(section);
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set(section, seq);
  }
  if (!isSeq(seq)) throw new Error(`cannot write the ${section} of the kubeconfig`);
  const node = doc.createNode({ name, [KIND_BODY[section]]: body });
  const at = seq.items.findIndex((item) => isMap(item) && item.get('name') === name);
  if (at >= 0) seq.items[at] = node;
  else seq.add(node);
}

/**
 * `plan` merged into the kubeconfig `output` (its current text, or undefined for a new file): the fleet clusters and
 * contexts are written (replacing earlier ones of the same names), the user entry is copied when the output does not
 * have it, and the current context is set only when there is none. Everything else is left as it was, comments
 * included.
 */
export function mergeFleetContexts(output: KubeconfigFile | { readonly path: string; readonly text?: undefined }, plan: FleetContextPlan): string {
  const text = output.text ?? '';
  const doc = text.trim() === '' ? new Document({ apiVersion: 'v1', kind: 'Config', preferences: {} }) : parse({ path: output.path, text });
  if (plan.user) {
    const body = relocate(plan.user, 'users', output.path);
    const existing = entries(doc, 'users').find((e) => e.name === plan.user!.name);
    if (!existing) upsert(doc, 'users', plan.user.name, body);
    else if (resolve(plan.user.from ?? '') !== resolve(output.path) && !isDeepStrictEqual(existing.body, body)) {
      throw new Error(
        `${output.path} already has a different user "${plan.user.name}" than the one of context "${plan.hostContext}" (${plan.user.from}); write to another --output`,
      );
    }
  }
  for (const c of plan.clusters) upsert(doc, 'clusters', c.name, relocate(c, 'clusters', output.path));
  for (const c of plan.contexts) upsert(doc, 'contexts', c.name, c.body);
  const current = doc.get('current-context');
  if (typeof current !== 'string' || current === '') doc.set('current-context', FLEET_CONTEXT);
  // Keep the file's own list style: kubectl writes `- name:` at the key's indentation.
  return doc.toString({ indentSeq: !/^- /m.test(text) });
}

export interface WriteFleetContextsOptions extends FleetContextOptions {
  /** Kubeconfig files in kubectl's order ($KUBECONFIG); missing files are skipped. */
  readonly kubeconfigs: readonly string[];
  /** Where to write; default: the file that defines the host context. */
  readonly output?: string;
}

export interface WrittenFleetContexts {
  readonly output: string;
  readonly hostContext: string;
  readonly user?: string;
  readonly contexts: readonly { readonly name: string; readonly server: string }[];
}

/** Reads the kubeconfigs, computes the fleet contexts and merges them into the output file (mode 0600 when new). */
export function writeFleetContexts(options: WriteFleetContextsOptions): WrittenFleetContexts {
  const files = options.kubeconfigs.filter((p) => existsSync(p)).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  if (files.length === 0) throw new Error(`no kubeconfig found (looked for ${options.kubeconfigs.join(', ') || 'nothing'})`);
  const plan = planFleetContexts(files, options);
  const output = options.output ?? plan.contextFile;
  const text = existsSync(output) ? readFileSync(output, 'utf8') : undefined;
  if (text === undefined) mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, mergeFleetContexts(text === undefined ? { path: output } : { path: output, text }, plan), { mode: 0o600 });
  return {
    output,
    hostContext: plan.hostContext,
    ...(plan.user ? { user: plan.user.name } : {}),
    contexts: plan.clusters.map((c) => ({ name: c.name, server: String(c.body.server) })),
  };
}
