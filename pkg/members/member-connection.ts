import { createHash } from 'node:crypto';
import type { MemberClusterSpec } from '../../api/federation/v1alpha1/member-cluster.js';
import type { ClusterConnection } from './cluster-client.js';
import type { MemberCredentials } from './credential-store.js';

/**
 * How Herd reaches a member: the MemberCluster's endpoint and TLS settings (caBundle is base64 of PEM) with the
 * credentials read from its Secret. `proxyURL` is not supported yet.
 */
export function memberConnection(spec: MemberClusterSpec, creds: MemberCredentials): ClusterConnection {
  const ca = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined;
  return {
    server: spec.apiEndpoint.replace(/\/+$/, ''),
    ...(ca ? { ca } : {}),
    ...(creds.token ? { token: creds.token } : {}),
    ...(!creds.token && creds.cert ? { cert: creds.cert } : {}),
    ...(!creds.token && creds.key ? { key: creds.key } : {}),
    ...(spec.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}),
    ...(spec.tlsServerName ? { tlsServerName: spec.tlsServerName } : {}),
  };
}

/** A digest of a connection, to tell whether a client must be rebuilt without keeping a second copy of its secrets. */
export function connectionFingerprint(connection: ClusterConnection): string {
  const fields = [connection.server, connection.ca, connection.cert, connection.key, connection.token, connection.insecureSkipTLSVerify, connection.tlsServerName];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
