import type { MemberCluster } from '../../api/federation/v1alpha1/member-cluster.js';
import {
  API_VERSION,
  CLUSTER_NAME_LABEL,
  DEFAULT_HERD_NAMESPACE,
  GROUP,
  REGION_LABEL,
  VERSION,
  ZONE_LABEL,
} from '../../api/federation/v1alpha1/well-known.js';
import { dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from '../apimachinery/label-validation.js';
import type { ClusterClient, ClusterResponse } from './cluster-client.js';
import { describeRef, type CredentialRef, type CredentialStore } from './credential-store.js';
import { describeFailure, describeStatus } from './describe-failure.js';
import { memberFromKubeconfig } from './kubeconfig-credentials.js';

export interface JoinMemberOptions {
  /** The MemberCluster's name: a DNS-1123 subdomain of at most 63 characters. */
  readonly name: string;
  /** The member's kubeconfig, and its context (default: the current one). */
  readonly kubeconfig: string;
  readonly context?: string;
  /** A client of Herd's API: the host cluster in aggregated mode, Herd itself in standalone mode. */
  readonly herd: ClusterClient;
  /** Where Herd reads member credentials from (a Secret on the host, or the directory standalone Herd reads). */
  readonly credentials: CredentialStore;
  /** Namespace of the credentials. Default herd-system. */
  readonly namespace?: string;
  readonly region?: string;
  readonly zone?: string;
  /** More labels for the MemberCluster. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface JoinMemberResult {
  readonly memberCluster: MemberCluster;
  /** False when a MemberCluster of that name existed and was updated. */
  readonly created: boolean;
  readonly secretRef: CredentialRef;
  readonly credentialKind: 'token' | 'client certificate';
}

export interface UnjoinMemberOptions {
  readonly name: string;
  readonly herd: ClusterClient;
  readonly credentials: CredentialStore;
  /** Namespace of the credentials. Default herd-system. */
  readonly namespace?: string;
  /** Leave Herd's objects in the member (DeleteOptions propagationPolicy Orphan) instead of removing them first. */
  readonly orphan?: boolean;
  /** How long to wait for the MemberCluster to go. Default 60 s. */
  readonly timeoutMs?: number;
  /** Between checks. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface UnjoinMemberResult {
  /** False when there was no MemberCluster of that name. */
  readonly found: boolean;
  /** The credentials removed; undefined when the MemberCluster named credentials `herd join` did not write. */
  readonly removedCredentials?: CredentialRef;
}

const RESOURCE_PATH = `/apis/${GROUP}/${VERSION}/memberclusters`;
const MANAGED_LABELS = new Set([CLUSTER_NAME_LABEL, REGION_LABEL, ZONE_LABEL]);
const CONFLICT_RETRIES = 5;
const UNAVAILABLE_RETRIES = 5;

/** The Secret `herd join` keeps a member's credentials in. */
export function memberSecretRef(name: string, namespace: string = DEFAULT_HERD_NAMESPACE): CredentialRef {
  return { namespace, name: `member-${name}` };
}

function requireValidName(name: string): void {
  const problems = dns1123SubdomainErrors(name);
  if (name.length > 63) problems.push('must be no more than 63 characters (it is also a label value)');
  if (problems.length > 0) throw new Error(`invalid member name "${name}": ${problems.join('; ')}`);
}

function requireValidLabels(labels: Readonly<Record<string, string>>, region?: string, zone?: string): void {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (MANAGED_LABELS.has(k)) problems.push(`label ${k} is set by Herd${k === CLUSTER_NAME_LABEL ? '' : `; use --${k === REGION_LABEL ? 'region' : 'zone'}`}`);
    for (const m of labelKeyErrors(k)) problems.push(`label key "${k}": ${m}`);
    for (const m of labelValueErrors(v)) problems.push(`label ${k} value "${v}": ${m}`);
  }
  for (const [flag, v] of [['region', region], ['zone', zone]] as const) {
    if (v !== undefined) for (const m of labelValueErrors(v)) problems.push(`${flag} "${v}": ${m}`);
  }
  if (problems.length > 0) throw new Error(`invalid labels: ${problems.join('; ')}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One call to Herd's API, retried while the API is briefly unavailable (a 503 from the aggregator right after registration). */
async function herdCall(herd: ClusterClient, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ClusterResponse> {
  for (let attempt = 0; ; attempt++) {
    let res: ClusterResponse;
    try {
      res = await herd.call(method, path, body);
    } catch (err) {
      throw new Error(`cannot reach Herd's API at ${herd.connection.server}: ${describeFailure(err)}`);
    }
    if ((res.status !== 503 && res.status !== 429) || attempt >= UNAVAILABLE_RETRIES) return res;
    await sleep(1000);
  }
}

function herdError(doing: string, herd: ClusterClient, res: ClusterResponse): Error {
  const hint =
    res.status === 404 || res.status === 503
      ? ` (is Herd serving ${GROUP}/${VERSION} there? kubectl get apiservice ${VERSION}.${GROUP})`
      : res.status === 401 || res.status === 403
        ? ' (check the identity of --herd-kubeconfig)'
        : '';
  return new Error(`${doing} through ${herd.connection.server}: ${describeStatus(res.status, res.body)}${hint}`);
}

/** Creates the MemberCluster, or updates the fields `herd join` sets on an existing one (other fields stay). */
async function createOrUpdate(herd: ClusterClient, desired: MemberCluster): Promise<{ object: MemberCluster; created: boolean }> {
  const name = desired.metadata.name!;
  const created = await herdCall(herd, 'POST', RESOURCE_PATH, desired);
  if (created.status === 201 || created.status === 200) return { object: JSON.parse(created.body) as MemberCluster, created: true };
  if (created.status !== 409) throw herdError(`creating MemberCluster ${name}`, herd, created);
  for (let attempt = 0; ; attempt++) {
    const got = await herdCall(herd, 'GET', `${RESOURCE_PATH}/${name}`);
    if (got.status !== 200) throw herdError(`reading MemberCluster ${name}`, herd, got);
    const current = JSON.parse(got.body) as MemberCluster;
    if (current.metadata.deletionTimestamp) throw new Error(`MemberCluster ${name} is being deleted; wait until it is gone, then join again`);
    const spec = { ...current.spec, ...desired.spec };
    if (!desired.spec.caBundle) delete spec.caBundle;
    if (!desired.spec.insecureSkipTLSVerify) delete spec.insecureSkipTLSVerify;
    const next: MemberCluster = {
      ...current,
      metadata: { ...current.metadata, labels: { ...(current.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) } },
      spec,
    };
    const put = await herdCall(herd, 'PUT', `${RESOURCE_PATH}/${name}`, next);
    if (put.status === 200) return { object: JSON.parse(put.body) as MemberCluster, created: false };
    if (put.status !== 409 || attempt >= CONFLICT_RETRIES) throw herdError(`updating MemberCluster ${name}`, herd, put);
  }
}

/**
 * `herd join`: reads the member's kubeconfig context (a token or a client certificate; exec plugins are not
 * supported), writes those credentials to the credential store as `<namespace>/member-<name>`, then creates (or
 * updates) the MemberCluster `<name>` through Herd's API with the kubeconfig's server and CA, region, zone and
 * labels. Credentials go first, so Herd finds them as soon as it sees the MemberCluster. Nothing returned or thrown
 * carries a credential.
 */
export async function joinMember(o: JoinMemberOptions): Promise<JoinMemberResult> {
  requireValidName(o.name);
  const labels = o.labels ?? {};
  requireValidLabels(labels, o.region, o.zone);
  const member = memberFromKubeconfig(o.kubeconfig, o.context);
  const secretRef = memberSecretRef(o.name, o.namespace);
  await o.credentials.write(secretRef, member.credentials);
  const c = member.connection;
  const desired: MemberCluster = {
    apiVersion: API_VERSION,
    kind: 'MemberCluster',
    metadata: { name: o.name, ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}) },
    spec: {
      apiEndpoint: c.server,
      secretRef,
      ...(c.ca ? { caBundle: Buffer.from(c.ca, 'utf8').toString('base64') } : {}),
      ...(c.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}),
      ...(o.region ? { region: o.region } : {}),
      ...(o.zone ? { zone: o.zone } : {}),
    },
  };
  const { object, created } = await createOrUpdate(o.herd, desired);
  return { memberCluster: object, created, secretRef, credentialKind: member.credentialKind };
}

/**
 * `herd unjoin`: deletes the MemberCluster (with `orphan`, propagationPolicy Orphan: Herd's objects stay in the
 * member; otherwise Herd removes them first), waits until it is gone, then removes the credentials `herd join`
 * wrote. When it does not go in time, the error says what holds it and the credentials stay.
 */
export async function unjoinMember(o: UnjoinMemberOptions): Promise<UnjoinMemberResult> {
  requireValidName(o.name);
  const log = o.log ?? (() => {});
  const conventional = memberSecretRef(o.name, o.namespace);
  const path = `${RESOURCE_PATH}/${o.name}`;
  const got = await herdCall(o.herd, 'GET', path);
  if (got.status === 404) {
    await o.credentials.remove(conventional);
    return { found: false, removedCredentials: conventional };
  }
  if (got.status !== 200) throw herdError(`reading MemberCluster ${o.name}`, o.herd, got);
  const recorded = (JSON.parse(got.body) as MemberCluster).spec?.secretRef;
  const body = o.orphan ? { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan' } : undefined;
  const deleted = await herdCall(o.herd, 'DELETE', path, body);
  if (deleted.status !== 200 && deleted.status !== 202 && deleted.status !== 404) throw herdError(`deleting MemberCluster ${o.name}`, o.herd, deleted);

  const timeoutMs = o.timeoutMs ?? 60_000;
  const interval = o.pollIntervalMs ?? 1000;
  const started = Date.now();
  let lastProgress = started;
  let finalizers: string[] = [];
  for (;;) {
    const res = await herdCall(o.herd, 'GET', path);
    if (res.status === 404) break;
    if (res.status !== 200) throw herdError(`reading MemberCluster ${o.name}`, o.herd, res);
    finalizers = (JSON.parse(res.body) as MemberCluster).metadata.finalizers ?? [];
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      throw new Error(
        `MemberCluster ${o.name} is still there after ${Math.round(waited / 1000)} s, held by finalizers ${finalizers.join(', ') || '(none)'}; ` +
          'its credentials are kept. Herd removes its finalizer once it has cleaned up the member (or left it, with --orphan): ' +
          'check that Herd runs and can reach the member, then run unjoin again.',
      );
    }
    if (Date.now() - lastProgress >= 5000 || lastProgress === started) {
      lastProgress = Date.now();
      log(`waiting for Herd to ${o.orphan ? 'release' : 'clean up'} ${o.name} (finalizers: ${finalizers.join(', ') || 'none'}; ${Math.round(waited / 1000)} s of ${Math.round(timeoutMs / 1000)} s)`);
    }
    await sleep(interval);
  }
  const ownRef = recorded && recorded.name === conventional.name ? recorded : undefined;
  if (ownRef) await o.credentials.remove(ownRef);
  else if (recorded) log(`credentials ${describeRef(recorded)} were not written by herd join; left in place`);
  return { found: true, ...(ownRef ? { removedCredentials: ownRef } : {}) };
}
