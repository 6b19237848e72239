import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { connectionFromKubeconfig, type ClusterConnection } from './cluster-client.js';
import type { MemberCredentials } from './credential-store.js';

/** A member cluster as a kubeconfig context names it: where it is, and the static credentials its user holds. */
export interface KubeconfigMember {
  readonly context: string;
  readonly user: string;
  readonly connection: ClusterConnection;
  readonly credentials: MemberCredentials;
  readonly credentialKind: 'token' | 'client certificate';
}

/**
 * Reads a context of a kubeconfig (default: the current one) for `herd join`. Herd keeps the credentials and uses
 * them on its own, so only static ones work: a token (inline or `tokenFile`) or a client certificate and key. Exec
 * plugins, auth providers and basic auth are refused with a message that says so. Messages name the file, context
 * and user, never a credential.
 */
export function memberFromKubeconfig(path: string, context?: string): KubeconfigMember {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    // Parser messages can quote the file's lines, credentials included: only the error code is safe to show.
    const code = (err as { code?: string }).code;
    throw new Error(`cannot read kubeconfig ${path}: ${code ?? 'not a valid kubeconfig'}`);
  }
  const name = context ?? kc.getCurrentContext();
  const ctx = name ? kc.getContextObject(name) : null;
  if (!ctx) {
    const known = kc.getContexts().map((c) => c.name);
    throw new Error(
      name
        ? `kubeconfig ${path} has no context "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`
        : `kubeconfig ${path} has no current context; name one with --context`,
    );
  }
  const user = kc.getUser(ctx.user);
  const where = `kubeconfig ${path}, context "${ctx.name}": user "${ctx.user}"`;
  if (!user) throw new Error(`${where} is not defined in the file`);
  if (user.exec) {
    const command = typeof (user.exec as { command?: unknown }).command === 'string' ? ` (${(user.exec as { command: string }).command})` : '';
    throw new Error(
      `${where} gets its credentials from an exec plugin${command}, which Herd cannot run: exec plugins are not supported. ` +
        'Use a kubeconfig with a token or a client certificate, for example a ServiceAccount token.',
    );
  }
  if (user.authProvider) throw new Error(`${where} uses an auth provider, which is not supported: use a token or a client certificate`);
  const connection = connectionFromKubeconfig(path, ctx.name);
  let token = connection.token;
  if (!token && connection.tokenFile) {
    try {
      token = readFileSync(connection.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`${where}: cannot read its token file ${connection.tokenFile} (${(err as { code?: string }).code ?? 'error'})`);
    }
  }
  if (token) return { context: ctx.name, user: ctx.user, connection, credentials: { token }, credentialKind: 'token' };
  if (connection.cert && connection.key) {
    return { context: ctx.name, user: ctx.user, connection, credentials: { cert: connection.cert, key: connection.key }, credentialKind: 'client certificate' };
  }
  if (connection.cert || connection.key) throw new Error(`${where} has a client ${connection.cert ? 'certificate but no key' : 'key but no certificate'}`);
  if (user.username || user.password) throw new Error(`${where} uses basic authentication, which is not supported: use a token or a client certificate`);
  throw new Error(`${where} has no credentials Herd can use: it needs a token (token or tokenFile) or a client certificate and key`);
}
