import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import dnsPacket, { type RecordType } from 'dns-packet';

/** What one DNS load run measured, whichever generator ran it. */
export interface DnsLoadRun {
  readonly sent: number;
  /** Queries answered (any rcode) before their timeout. */
  readonly completed: number;
  readonly lost: number;
  /** Run time: from the first query to the last answer (or the timeout of the last query). */
  readonly seconds: number;
  /** Answers per rcode name. */
  readonly rcodes: Readonly<Record<string, number>>;
  /** Latency of every answered query, ms. */
  readonly latenciesMs: number[];
  /** Average response size, bytes. */
  readonly responseBytes: number;
  /** As the generator summarised it, when it does (dnsperf's own qps and latency lines). */
  readonly reported?: { readonly queriesPerSecond: number; readonly avgLatencyMs: number; readonly minLatencyMs: number; readonly maxLatencyMs: number };
  /** CPU time of a generator running as its own process (dnsperf), ms; absent for this process's own generator. */
  readonly clientCpuMs?: number;
}

export interface DnsLoadTarget {
  readonly server: string;
  readonly port: number;
  readonly name: string;
  readonly type: 'A';
}

export interface DnsLoadOptions {
  readonly seconds: number;
  /** Queries outstanding at once, over all sockets. */
  readonly outstanding: number;
  /** Default 4. */
  readonly sockets?: number;
  /** A query unanswered this long is lost (and replaced). Default 1000. */
  readonly timeoutMs?: number;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/**
 * A closed-loop UDP load generator in this process, the fallback when dnsperf cannot be had (the same generator then
 * runs against Herd and the reference, so the ratio stays fair). It keeps `outstanding` queries in flight over a few
 * connected sockets, each query with its own ID (16 bits per socket, never reused while in flight), sends the next
 * one as each answer arrives, and replaces a query unanswered after `timeoutMs` (counted lost). No EDNS, as dnsperf
 * sends by default.
 */
export async function runNodeDnsLoad(target: DnsLoadTarget, o: DnsLoadOptions): Promise<DnsLoadRun> {
  const timeoutMs = o.timeoutMs ?? 1000;
  const socketCount = Math.max(1, Math.min(o.sockets ?? 4, o.outstanding));
  const template = dnsPacket.encode({ type: 'query', id: 0, flags: 0, questions: [{ type: target.type as RecordType, name: target.name, class: 'IN' }] });
  const latenciesMs: number[] = [];
  const rcodes: Record<string, number> = {};
  let sent = 0;
  let completed = 0;
  let lost = 0;
  let responseBytes = 0;
  let running = true;
  let lastAnswer = 0;

  interface Lane {
    readonly socket: dgram.Socket;
    readonly sentAt: Float64Array;
    readonly inFlight: Uint8Array;
    pending: number;
    nextId: number;
  }

  const send = (lane: Lane): void => {
    let id = lane.nextId;
    while (lane.inFlight[id]) id = (id + 1) & 0xffff;
    lane.nextId = (id + 1) & 0xffff;
    const message = Buffer.from(template);
    message.writeUInt16BE(id, 0);
    lane.inFlight[id] = 1;
    lane.sentAt[id] = performance.now();
    lane.pending++;
    sent++;
    lane.socket.send(message, () => {});
  };

  const lanes: Lane[] = await Promise.all(
    Array.from({ length: socketCount }, async () => {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(target.port, target.server, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      // A refused port surfaces as an error on a connected socket; the query stays in flight and times out.
      socket.on('error', () => {});
      return { socket, sentAt: new Float64Array(65536), inFlight: new Uint8Array(65536), pending: 0, nextId: 0 };
    }),
  );
  for (const lane of lanes) {
    lane.socket.on('message', (message: Buffer) => {
      if (message.length < 12) return;
      const id = message.readUInt16BE(0);
      if (!lane.inFlight[id]) return; // late (already counted lost) or not ours
      const now = performance.now();
      lane.inFlight[id] = 0;
      lane.pending--;
      completed++;
      lastAnswer = now;
      latenciesMs.push(now - lane.sentAt[id]!);
      responseBytes += message.length;
      const rcode = RCODES[message[3]! & 0x0f] ?? `RCODE_${message[3]! & 0x0f}`;
      rcodes[rcode] = (rcodes[rcode] ?? 0) + 1;
      if (running) send(lane);
    });
  }

  // Queries that timed out are lost; while running, each is replaced so the load stays at `outstanding`.
  const sweep = (): void => {
    const now = performance.now();
    for (const lane of lanes) {
      if (lane.pending === 0) continue;
      for (let id = 0; id < 65536; id++) {
        if (lane.inFlight[id] && now - lane.sentAt[id]! > timeoutMs) {
          lane.inFlight[id] = 0;
          lane.pending--;
          lost++;
          if (running) send(lane);
        }
      }
    }
  };
  const sweeper = setInterval(sweep, Math.min(100, timeoutMs / 4));
  const started = performance.now();
  for (let i = 0; i < o.outstanding; i++) send(lanes[i % lanes.length]!);
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  running = false;
  const stopAt = performance.now();
  while (lanes.some((l) => l.pending > 0) && performance.now() - stopAt <= timeoutMs + 100) await new Promise((r) => setTimeout(r, 20));
  clearInterval(sweeper);
  for (const lane of lanes) {
    lost += lane.pending;
    lane.socket.close();
  }
  const end = Math.max(stopAt, lastAnswer);
  return { sent, completed, lost, seconds: (end - started) / 1000, rcodes, latenciesMs, responseBytes: completed > 0 ? Math.round(responseBytes / completed) : 0 };
}
