// A member apiserver stand-in for the proxy and upgrade tests: a real TLS server (its own CA, a serving certificate
// for 127.0.0.1, a client certificate for Herd) whose request and upgrade handlers each test writes.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { createCA, issue } from '../../e2e/controlplane/pki.js';
import { ClusterClient, type ClusterConnection } from '../members/cluster-client.js';
import type { UserInfo } from '../auth/user-info.js';
import type { FleetMember } from './fleet-members.js';

export interface MemberPki {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Herd's client certificate for the member (CN=herd). */
  readonly herdCert: string;
  readonly herdKey: string;
  /** A CA that did not sign the member's serving certificate. */
  readonly otherCa: string;
}

export async function memberPki(): Promise<MemberPki> {
  const ca = await createCA('member-ca');
  const other = await createCA('other-ca');
  const server = await issue(ca, { subject: 'CN=member-apiserver', usage: 'server', ips: ['127.0.0.1'], dnsNames: ['localhost'] });
  const herd = await issue(ca, { subject: 'CN=herd, O=herd:members', usage: 'client' });
  return { ca: ca.certPem, serverCert: server.certPem, serverKey: server.keyPem, herdCert: herd.certPem, herdKey: herd.keyPem, otherCa: other.certPem };
}

export interface MemberServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The request handler; replace it per test. */
  onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** The upgrade handler; replace it per test. */
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  close(): Promise<void>;
}

export async function startMemberServer(pki: MemberPki): Promise<MemberServer> {
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false });
  const state: MemberServer = {
    url: '',
    onRequest: (_req, res) => res.writeHead(404).end(),
    onUpgrade: (_req, socket) => socket.destroy(),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('secureConnection', (s: TLSSocket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req, res) => state.onRequest(req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => state.onUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  (state as { url: string }).url = `https://127.0.0.1:${address.port}`;
  return state;
}

/** The CN of the client certificate a request to the member server presented. */
export function peerCommonName(req: IncomingMessage): string | undefined {
  const cn = (req.socket as TLSSocket).getPeerCertificate()?.subject?.CN;
  return typeof cn === 'string' ? cn : undefined;
}

/** The request's header lines with `prefix` (lower-case), in order, as `name: value`. */
export function headerLines(req: IncomingMessage, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.toLowerCase().startsWith(prefix)) out.push(`${name}: ${req.rawHeaders[i + 1]!}`);
  }
  return out;
}

export function memberWith(name: string, connection: ClusterConnection): FleetMember {
  return { name, client: new ClusterClient(connection), ready: true };
}

export const ALICE: UserInfo = {
  name: 'alice',
  uid: 'uid-1',
  groups: ['dev', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab12'], scopes: ['view', 'edit'] },
};
