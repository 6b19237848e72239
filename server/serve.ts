import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { API_VERSION, DECISION_SUBRESOURCE, DEFAULT_HERD_NAMESPACE, GROUP, PLACEMENT_SUBRESOURCE, VERSION, staticResourceDefinitions } from '../api/federation/v1alpha1/index.js';
import { DelegatingAuthenticator } from '../pkg/auth/authenticator.js';
import { ClientCertAuthenticator } from '../pkg/auth/client-cert-authenticator.js';
import { parseCertificatePool } from '../pkg/auth/certificate-chain.js';
import { HostReviewClient, createHostDispatcher } from '../pkg/auth/host-review-client.js';
import { RequestHeaderAuthenticator } from '../pkg/auth/request-header-authenticator.js';
import { SubjectAccessReviewAuthorizer } from '../pkg/auth/subject-access-review-authorizer.js';
import { TokenFileAuthenticator } from '../pkg/auth/token-file-authenticator.js';
import { TokenReviewAuthenticator } from '../pkg/auth/token-review-authenticator.js';
import { withAuthenticatedGroup } from '../pkg/auth/user-info.js';
import { AuthenticationConfigWatch } from '../pkg/hostcluster/authentication-config-watch.js';
import { discoveryRefresher } from '../pkg/hostcluster/discovery-refresh.js';
import { namespaceLifecycle } from '../pkg/hostcluster/namespace-lifecycle.js';
import { ClusterClient, connectionFromKubeconfig } from '../pkg/members/cluster-client.js';
import type { CredentialStore } from '../pkg/members/credential-store.js';
import { CredentialStoreError } from '../pkg/members/credential-store-error.js';
import { DirectoryCredentialStore } from '../pkg/members/directory-credential-store.js';
import { HostSecretCredentialStore } from '../pkg/members/host-secret-credential-store.js';
import { memberClusterStrategy } from '../pkg/members/member-cluster-strategy.js';
import { MemberFleet } from '../pkg/members/member-fleet.js';
import { PropagationController } from '../pkg/propagation/propagation-controller.js';
import { TemplateDryRun } from '../pkg/propagation/template-dry-run.js';
import { ApiGroupRegistry } from '../pkg/registry/api-group-registry.js';
import { FederatedTypeSync } from '../pkg/registry/federated-type-sync.js';
import { TargetSchemaResolver } from '../pkg/registry/target-schema-resolver.js';
import { Compactor } from '../pkg/storage/compactor.js';
import { CachedStorage } from '../pkg/storage/cached-storage.js';
import { EtcdStorage } from '../pkg/storage/etcd-storage.js';
import { instrumentedStorage } from '../pkg/storage/instrumented-storage.js';
import { SqliteStorage } from '../pkg/storage/sqlite-storage.js';
import type { Storage } from '../pkg/storage/storage.js';
import { FleetDiscovery } from '../pkg/fleetview/fleet-discovery.js';
import { fleetMembersOf } from '../pkg/fleetview/fleet-members.js';
import { FleetViewCache } from '../pkg/fleetview/fleet-view-cache.js';
import { MemberAccessReview } from '../pkg/fleetview/member-access-review.js';
import { proxyUpgrade } from '../pkg/fleetview/member-upgrade.js';
import { BalancerAnswerSource } from '../pkg/gslb/balancer-answer-source.js';
import { DnsResponder } from '../pkg/gslb/dns-responder.js';
import { DnsServer } from '../pkg/gslb/dns-server.js';
import { federatedBackendResolver } from '../pkg/gslb/federated-backend.js';
import { GlobalLoadBalancerController } from '../pkg/gslb/global-load-balancer-controller.js';
import { globalLoadBalancerStrategy } from '../pkg/gslb/global-load-balancer-strategy.js';
import { createGslbMetrics } from '../pkg/gslb/gslb-metrics.js';
import { hostEventRecorder, type RecordEvent } from '../pkg/hostcluster/event-recorder.js';
import { buildApp, type AppDeps } from './app.js';
import { decisionReader } from './routes/decision-subresource.js';
import { clusterProxyHandler, forwardToMember } from './routes/cluster-proxy-handler.js';
import { fleetViewHandler } from './routes/fleet-view-handler.js';
import { createApiMetrics } from './metrics.js';
import { apiDocuments } from './routes/api-documents.js';
import { storedPresenter } from './routes/presenter.js';
import { storedTableConverter } from './routes/table-converter.js';

export interface ServeOptions {
  /** `aggregated`: behind a host kube-apiserver (delegated authn/authz); `standalone`: own client CA and token file. */
  readonly mode: 'aggregated' | 'standalone';
  readonly bindAddress: string;
  readonly securePort: number;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly dataDir: string;
  /** `sqlite` (embedded, one replica; default) or `etcd` (shared by several replicas). */
  readonly storage?: 'sqlite' | 'etcd';
  readonly etcd?: { readonly servers: readonly string[]; readonly prefix?: string; readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Aggregated mode: Herd's own credentials for the host (delegated auth, the auth ConfigMap, namespaces). */
  readonly kubeconfig?: string;
  /** Standalone mode: CA for client certificates (CN = user, O = groups). */
  readonly clientCaFile?: string;
  /** Standalone mode: static tokens, CSV `token,user,uid,"group1,group2"`. */
  readonly tokenAuthFile?: string;
  readonly logLevel?: string;
  /** Watches without timeoutSeconds end after a random time in [this, 2×this) seconds. Default 1800. */
  readonly minRequestTimeoutSeconds?: number;
  /** Seconds of history kept for watches and paged lists (compaction interval); 0 never compacts. Default 300. */
  readonly compactionIntervalSeconds?: number;
  /** Namespace on the host holding member credential Secrets (aggregated mode). Default herd-system. */
  readonly herdNamespace?: string;
  /** Standalone mode: directory holding member credentials, one folder per Secret (`<namespace>/<name>/<key>`). Default `<data-dir>/member-credentials`. */
  readonly memberCredentialsDir?: string;
  /** How long an object stays placed on a member that is not Ready before replicas move away, unless it tolerates otherwise. Default 300. */
  readonly defaultNotReadyTolerationSeconds?: number;
  /** Member writes in flight per member cluster. Default 32. */
  readonly memberConcurrency?: number;
  /** Ceiling on the fleet view caches' estimated size. Default 1 GiB. */
  readonly fleetCacheMaxBytes?: number;
  /** Fleet view caches unused for this long stop. Default 300. */
  readonly fleetCacheIdleSeconds?: number;
  /** DNS zone GlobalLoadBalancer hostnames default into (`<name>.<namespace>.<zone>`). Default herd.local. */
  readonly dnsZone?: string;
  /** Serve DNS (UDP and TCP) on this port; absent: no DNS server. 0 picks a free port. */
  readonly dnsPort?: number;
  /** Address the DNS server listens on. Default: bindAddress. */
  readonly dnsBindAddress?: string;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  /** Where DNS is served, when it is. */
  readonly dns?: { readonly address: string; readonly port: number };
  close(): Promise<void>;
}

function openStorage(o: ServeOptions): Storage {
  if (o.storage === 'etcd') {
    const etcd = o.etcd;
    if (!etcd || etcd.servers.length === 0) throw new Error('--etcd-servers is required with --storage=etcd');
    const credentials = etcd.caFile
      ? {
          rootCertificate: readFileSync(etcd.caFile),
          ...(etcd.certFile ? { certChain: readFileSync(etcd.certFile) } : {}),
          ...(etcd.keyFile ? { privateKey: readFileSync(etcd.keyFile) } : {}),
        }
      : undefined;
    return new EtcdStorage({ endpoints: etcd.servers, ...(etcd.prefix ? { prefix: etcd.prefix } : {}), ...(credentials ? { client: { credentials } } : {}) });
  }
  mkdirSync(o.dataDir, { recursive: true });
  return new SqliteStorage({ path: join(o.dataDir, 'herd.db') });
}

/**
 * Herd reads member credentials only from its own namespace on the host, so a MemberCluster cannot point it at any
 * other Secret it might be able to read.
 */
function namespaceBound(store: CredentialStore, namespace: string): CredentialStore {
  const check = (ref: { namespace: string; name: string }) => {
    if (ref.namespace !== namespace) throw new CredentialStoreError('Invalid', `spec.secretRef must name a Secret in namespace ${namespace}, not ${ref.namespace}`);
  };
  return {
    read: async (ref) => (check(ref), store.read(ref)),
    write: async (ref, creds) => (check(ref), store.write(ref, creds)),
    remove: async (ref) => (check(ref), store.remove(ref)),
  };
}

/**
 * Composes and starts `herd serve`: sqlite storage, the API registry with the static resources and the Federated kinds
 * of the FederatedTypeConfigs, authentication and authorization for the mode, and an HTTPS server speaking HTTP/2
 * and HTTP/1.1. `close()` ends watches and stops accepting requests, then closes storage.
 */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const metrics = createApiMetrics();
  const storage = new CachedStorage(instrumentedStorage(openStorage(o), (operation, seconds, outcome) => metrics.storage.observe({ operation, outcome }, seconds)));
  await storage.start();
  const compactor = new Compactor(storage, (o.compactionIntervalSeconds ?? 300) * 1000);
  compactor.start();
  const registry = new ApiGroupRegistry(GROUP, VERSION, storage);
  for (const def of staticResourceDefinitions) registry.add(def, def.plural === 'memberclusters' ? memberClusterStrategy : def.plural === 'globalloadbalancers' ? globalLoadBalancerStrategy : {});
  const cleanups: (() => Promise<void>)[] = [];

  let authenticate: AppDeps['authenticate'];
  let authorize: AppDeps['authorize'];
  let namespacePhase: AppDeps['namespacePhase'];
  // Aggregated mode: spec.template schemas come from the host's OpenAPI; standalone Herd keeps templates as sent.
  let targetSchemas: TargetSchemaResolver | undefined;
  let hostClient: ClusterClient | undefined;
  let recordEvent: RecordEvent | undefined;
  if (o.mode === 'aggregated') {
    if (!o.kubeconfig) throw new Error('--kubeconfig (Herd\'s credentials for the host cluster) is required in aggregated mode');
    const connection = connectionFromKubeconfig(o.kubeconfig);
    const host = new ClusterClient(connection);
    hostClient = host;
    recordEvent = hostEventRecorder(host, (msg) => console.warn(`herd: ${msg}`));
    const configWatch = new AuthenticationConfigWatch(host);
    await configWatch.start();
    // Cleanups run last-pushed first: the watch ends before the client it uses is closed.
    cleanups.push(() => host.close(), () => configWatch.stop());
    targetSchemas = TargetSchemaResolver.forClient('host', host);
    const reviews = new HostReviewClient({
      baseUrl: connection.server,
      dispatcher: createHostDispatcher({ ...(connection.ca ? { ca: connection.ca } : {}), ...(connection.cert ? { cert: connection.cert } : {}), ...(connection.key ? { key: connection.key } : {}) }),
      authorization: () => {
        const token = host.token();
        return token ? `Bearer ${token}` : undefined;
      },
    });
    const authenticator = new DelegatingAuthenticator({
      requestHeader: new RequestHeaderAuthenticator(() => configWatch.current()?.requestHeader),
      clientCert: new ClientCertAuthenticator(() => configWatch.current()?.clientCert),
      tokens: [new TokenReviewAuthenticator({ client: reviews })],
    });
    const authorizer = new SubjectAccessReviewAuthorizer({ client: reviews });
    authenticate = async (input) => {
      const outcome = await authenticator.authenticate({ headers: input.headers, peerCertificates: input.peerCertificates });
      return outcome.authenticated ? outcome.user : undefined;
    };
    authorize = async (user, info) => {
      const d = await authorizer.authorize(info, user);
      return { allowed: d.allowed, reason: d.reason };
    };
    namespacePhase = namespaceLifecycle(host);
    const refresh = discoveryRefresher(host, `${VERSION}.${GROUP}`);
    registry.onChange(() => refresh(registry.generation));
  } else {
    const clientCa = o.clientCaFile ? parseCertificatePool(readFileSync(o.clientCaFile, 'utf8')) : undefined;
    const tokens = o.tokenAuthFile ? [await TokenFileAuthenticator.load(o.tokenAuthFile)] : [];
    const authenticator = new DelegatingAuthenticator({
      ...(clientCa ? { clientCert: new ClientCertAuthenticator({ clientCA: clientCa }) } : {}),
      tokens,
    });
    authenticate = async (input) => {
      const outcome = await authenticator.authenticate({ headers: input.headers, peerCertificates: input.peerCertificates });
      return outcome.authenticated ? withAuthenticatedGroup(outcome.user) : undefined;
    };
    // Standalone Herd has no RBAC of its own: every authenticated user may do everything (docs/serving.md).
    authorize = async () => ({ allowed: true, reason: '' });
  }

  // Members: credentials live in Secrets on the host (aggregated) or in a directory (standalone).
  const credentials: CredentialStore = hostClient
    ? namespaceBound(new HostSecretCredentialStore(hostClient), o.herdNamespace ?? DEFAULT_HERD_NAMESPACE)
    : new DirectoryCredentialStore(o.memberCredentialsDir ?? join(o.dataDir, 'member-credentials'));
  const log = (msg: string, err?: unknown) => console.warn(`herd: ${msg}${err === undefined ? '' : `: ${err instanceof Error ? err.message : String(err)}`}`);

  const fleet = new MemberFleet({ store: registry.get('memberclusters')!.store, credentials, log });
  const dryRun = new TemplateDryRun({ fleet });
  const sync = new FederatedTypeSync(registry, registry.get('federatedtypeconfigs')!.store, {
    log,
    admitTemplate: (target, object) => dryRun.admit(target, object),
    ...(targetSchemas ? { resolveSchema: (t) => targetSchemas.resolve(t), schemaCluster: targetSchemas.cluster } : {}),
  });
  await sync.start();
  cleanups.push(() => sync.stop());

  await fleet.start();
  const propagation = new PropagationController({
    registry,
    fleet,
    log,
    ...(o.logLevel === 'debug' || o.logLevel === 'trace' ? { debug: (msg: string) => console.warn(`herd: ${msg}`) } : {}),
    ...(o.memberConcurrency ? { memberConcurrency: o.memberConcurrency } : {}),
    ...(o.defaultNotReadyTolerationSeconds !== undefined ? { defaultNotReadyTolerationSeconds: o.defaultNotReadyTolerationSeconds } : {}),
  });
  await propagation.start();
  // Stopped in reverse: the controller before the fleet whose clients it uses.
  cleanups.push(() => fleet.stop(), () => propagation.stop());

  // The fleet view: discovery and caches over the members, each user's reads decided by each member.
  const fleetMembers = fleetMembersOf(fleet);
  const fleetDiscovery = new FleetDiscovery({ members: fleetMembers, log });
  fleetDiscovery.start();
  const fleetCache = new FleetViewCache({
    members: fleetMembers,
    log,
    ...(o.fleetCacheMaxBytes ? { maxBytes: o.fleetCacheMaxBytes } : {}),
    ...(o.fleetCacheIdleSeconds ? { idleMs: o.fleetCacheIdleSeconds * 1000 } : {}),
  });
  fleetCache.start();
  cleanups.push(() => fleetDiscovery.stop(), () => fleetCache.stop());
  // Global load balancing: health rounds per GlobalLoadBalancer, the decision subresource, and DNS when asked for.
  const dnsZone = (o.dnsZone ?? 'herd.local').toLowerCase().replace(/\.$/, '');
  const gslbMetrics = createGslbMetrics(metrics.registry);
  const gslb = new GlobalLoadBalancerController({
    store: registry.get('globalloadbalancers')!.store,
    fleet,
    resolveBackend: federatedBackendResolver(registry),
    zone: dnsZone,
    log,
    metrics: gslbMetrics,
    onTransition: (glb, change) => {
      const type = change.to === 'Healthy' ? 'Normal' : 'Warning';
      const message = `cluster ${change.cluster} is ${change.to.toLowerCase()}: ${change.reason}: ${change.message}`;
      console.warn(`herd: GlobalLoadBalancer ${glb.metadata.namespace}/${glb.metadata.name}: ${message}`);
      recordEvent?.(
        { apiVersion: API_VERSION, kind: 'GlobalLoadBalancer', namespace: glb.metadata.namespace ?? '', name: String(glb.metadata.name), ...(glb.metadata.uid ? { uid: glb.metadata.uid } : {}) },
        type,
        change.to === 'Healthy' ? 'ClusterHealthy' : 'ClusterUnhealthy',
        message,
      );
    },
  });
  gslb.start();
  cleanups.push(() => gslb.stop());
  let dnsServer: DnsServer | undefined;
  let dnsAt: { address: string; port: number } | undefined;
  if (o.dnsPort !== undefined) {
    dnsServer = new DnsServer({
      responder: new DnsResponder({ zone: dnsZone, source: new BalancerAnswerSource(gslb) }),
      address: o.dnsBindAddress ?? o.bindAddress,
      port: o.dnsPort,
      onQuery: (q) => gslbMetrics.recordDnsQuery(q.qtype, q.rcode, q.transport, q.seconds),
    });
    dnsAt = await dnsServer.start();
    const started = dnsServer;
    cleanups.push(() => started.stop());
  }

  const accessReview = new MemberAccessReview();
  const fleetView = fleetViewHandler({
    cache: fleetCache,
    discovery: fleetDiscovery,
    members: fleetMembers,
    authorizeMember: (member, user, attrs) => accessReview.allowed(member, user, attrs),
    forward: (request, reply, member, path) => forwardToMember(request, reply, member, path, request.herdUser!),
    ...(o.minRequestTimeoutSeconds ? { minRequestTimeoutSeconds: o.minRequestTimeoutSeconds } : {}),
  });

  let ready = true;
  const app = buildApp(
    {
      registry,
      presenter: storedPresenter(storedTableConverter()),
      documents: apiDocuments(registry),
      metrics,
      authenticate,
      authorize,
      ...(namespacePhase ? { namespacePhase } : {}),
      readiness: () => ready,
      fleetView,
      clusterProxy: clusterProxyHandler(fleetMembers),
      clusterUpgrade: async ({ request, socket, head, cluster, innerPath, user }) => {
        const member = fleetMembers.get(cluster);
        const q = request.url?.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        if (!member) {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        await proxyUpgrade({ member, method: request.method ?? 'GET', path: `${innerPath}${q}`, headers: request.headersDistinct, user, socket, head });
      },
      subresources: {
        [PLACEMENT_SUBRESOURCE]: (resource, namespace, name) => propagation.placementExplanation(resource, namespace, name),
        [DECISION_SUBRESOURCE]: decisionReader(registry, gslb),
      },
      ...(o.minRequestTimeoutSeconds ? { minRequestTimeoutSeconds: o.minRequestTimeoutSeconds } : {}),
    },
    {
      http2: true,
      https: {
        allowHTTP1: true,
        cert: readFileSync(o.tlsCertFile),
        key: readFileSync(o.tlsKeyFile),
        requestCert: true,
        // Watch events are small writes that must leave at once (Nagle would hold them for the peer's ACK).
        noDelay: true,
        rejectUnauthorized: false,
      },
      logger: { level: o.logLevel ?? 'info' },
      // One log line per request only at debug or trace, as kube-apiserver logs requests only at high verbosity.
      disableRequestLogging: o.logLevel !== 'debug' && o.logLevel !== 'trace',
      forceCloseConnections: true,
    },
  );
  // Set on each connection as well: the TLS server does not hand the listen-time option to every socket it accepts.
  app.server.on('secureConnection', (socket: { setNoDelay(noDelay: boolean): unknown }) => socket.setNoDelay(true));
  await app.listen({ host: o.bindAddress, port: o.securePort });
  return {
    app,
    url: `https://${o.bindAddress}:${o.securePort}`,
    ...(dnsAt ? { dns: dnsAt } : {}),
    async close() {
      ready = false;
      await app.close();
      for (const c of cleanups.reverse()) await c().catch(() => {});
      await compactor.stop();
      await storage.close();
    },
  };
}
