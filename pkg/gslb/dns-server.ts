import dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DnsResponder } from './dns-responder.js';

export interface DnsQueryEvent {
  readonly qtype: string;
  readonly rcode: string;
  readonly transport: 'udp' | 'tcp';
  /** From the message read to its answer handed to the socket. */
  readonly seconds: number;
}

export interface DnsServerOptions {
  readonly responder: DnsResponder;
  readonly address: string;
  /** 0 picks a port that is free for both UDP and TCP. */
  readonly port: number;
  readonly onQuery?: (query: DnsQueryEvent) => void;
  /** A TCP connection with nothing to read or write for this long is closed (RFC 7766 6.2.3). Default 10 s. */
  readonly tcpIdleMs?: number;
  /** TCP connections beyond this many are closed as they arrive. Default 256. */
  readonly maxTcpConnections?: number;
}

const PORT_ATTEMPTS = 8;

/**
 * Serves a DnsResponder on one address over UDP and TCP on the same port, as resolvers expect: they fall back to TCP
 * on the port they asked over UDP when an answer comes back truncated. TCP follows RFC 7766: 2-byte length framing,
 * several (pipelined) queries per connection answered in order, an idle timeout and a connection cap so idle or slow
 * clients cannot hold the server. Nothing a client does reaches the process as an uncaught error.
 */
export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly connections = new Set<net.Socket>();

  constructor(private readonly options: DnsServerOptions) {}

  async start(): Promise<{ address: string; port: number }> {
    if (this.udp) throw new Error('DNS server already started');
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(this.options.port);
      const { address, port } = udp.address();
      try {
        this.tcp = await this.listenTcp(port);
        this.udp = udp;
        return { address, port };
      } catch (error) {
        udp.close();
        // With port 0 the UDP port may be taken for TCP by someone else: try another one.
        const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (this.options.port !== 0 || !inUse || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  private bindUdp(port: number): Promise<dgram.Socket> {
    const socket = dgram.createSocket({ type: net.isIPv6(this.options.address) ? 'udp6' : 'udp4', lookup: literalLookup });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.address, () => {
        socket.off('error', reject);
        // After binding, errors (ICMP errors surfacing on some platforms, send failures) concern one client only.
        socket.on('error', () => {});
        socket.on('message', (message, peer) => this.onDatagram(socket, message, peer));
        resolve(socket);
      });
    });
  }

  private onDatagram(socket: dgram.Socket, message: Buffer, peer: dgram.RemoteInfo): void {
    const started = performance.now();
    const { response, rcode, qtype } = this.options.responder.respond(message, { clientAddress: peer.address, transport: 'udp' });
    if (response) {
      try {
        // No callback: a failed send is the socket's 'error' event, handled above, and a callback costs a tick.
        socket.send(response, peer.port, peer.address);
      } catch {
        // The socket closed under us (stop() while a datagram was being handled).
      }
    }
    this.report(qtype, rcode, 'udp', started);
  }

  private listenTcp(port: number): Promise<net.Server> {
    const server = net.createServer((socket) => this.onConnection(socket));
    server.maxConnections = this.options.maxTcpConnections ?? 256;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: this.options.address, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve(server);
      });
    });
  }

  private onConnection(socket: net.Socket): void {
    this.connections.add(socket);
    const clientAddress = socket.remoteAddress ?? '';
    socket.setNoDelay(true);
    // Also closes a connection that sent half a message and stalled.
    socket.setTimeout(this.options.tcpIdleMs ?? 10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    let blocked = false;
    // Answers every complete message buffered so far, in order. When the client stops reading (the write buffer is
    // full), reading stops too until it drains: a client cannot make the server buffer answers it does not take.
    const pump = (): void => {
      let offset = 0;
      while (!blocked && !socket.destroyed && pending.length - offset >= 2) {
        const end = offset + 2 + pending.readUInt16BE(offset);
        if (end > pending.length) break;
        const started = performance.now();
        const message = pending.subarray(offset + 2, end);
        offset = end;
        const { response, rcode, qtype } = this.options.responder.respond(message, { clientAddress, transport: 'tcp' });
        if (response) {
          const framed = Buffer.alloc(2 + response.length);
          framed.writeUInt16BE(response.length, 0);
          response.copy(framed, 2);
          blocked = !socket.write(framed);
        }
        this.report(qtype, rcode, 'tcp', started);
      }
      pending = pending.subarray(offset);
      if (blocked) {
        socket.pause();
        socket.once('drain', () => {
          blocked = false;
          socket.resume();
          pump();
        });
      }
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!blocked) pump();
    });
  }

  private report(qtype: string, rcode: string, transport: 'udp' | 'tcp', started: number): void {
    if (!this.options.onQuery) return;
    try {
      this.options.onQuery({ qtype, rcode, transport, seconds: (performance.now() - started) / 1000 });
    } catch {
      // A metrics callback must not take the server down.
    }
  }
}

/**
 * The UDP socket's resolver for the addresses answers are sent to, which are always the literal addresses queries
 * came from: answered at once, where the default resolver defers every answer to the next tick.
 */
function literalLookup(hostname: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = net.isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
}
