// How the member proxy reaches a member: with Herd's member credentials (the client's TLS material, or its bearer
// token), over a connection pool of its own. The ClusterClient's pool is capped (16 connections) and carries Herd's
// own informers and probes; callers' watches and `logs -f` through the proxy hold a connection each for as long as
// they run, and must not be able to starve Herd's own calls to that member.
import type { ConnectionOptions } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { ClusterClient, ClusterConnection } from '../members/cluster-client.js';

export type MemberTlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'>;

/** The TLS options of a member connection, as ClusterClient sets them for its own pool. */
export function memberTlsOptions(connection: ClusterConnection): MemberTlsOptions {
  return {
    ...(connection.ca ? { ca: connection.ca } : {}),
    ...(connection.cert ? { cert: connection.cert } : {}),
    ...(connection.key ? { key: connection.key } : {}),
    ...(connection.tlsServerName ? { servername: connection.tlsServerName } : {}),
    rejectUnauthorized: !connection.insecureSkipTLSVerify,
  };
}

/** Herd's bearer token for the member as an Authorization header, or nothing when Herd presents a certificate. */
export function memberAuthorization(client: ClusterClient): Record<string, string> {
  const token = client.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

// Keyed by client: a member whose credentials change gets a new ClusterClient, hence a new pool; the old pool's
// idle connections close by themselves (keep-alive timeout) and its running streams finish on their own.
const pools = new WeakMap<ClusterClient, Agent>();

/** The proxy's own pool for the member behind `client`, without a connection cap. */
export function proxyDispatcher(client: ClusterClient): Dispatcher {
  let pool = pools.get(client);
  if (pool === undefined) {
    pool = new Agent({ connect: memberTlsOptions(client.connection) });
    pools.set(client, pool);
  }
  return pool;
}
