import { isIP } from 'node:net';
import type { DnsAnswerSource, DnsLookup, DnsQuestion, DnsRecord } from './dns-answer-source.js';
import type { Decision } from './decide.js';
import type { GlobalLoadBalancerController } from './global-load-balancer-controller.js';

const NODATA: DnsLookup = { kind: 'answer', answers: [] };
const NXDOMAIN: DnsLookup = { kind: 'nxdomain' };

function addressRecords(name: string, addresses: readonly string[], type: string, ttl: number): DnsRecord[] {
  const family = type === 'AAAA' ? 6 : 4;
  const out: DnsRecord[] = [];
  for (const address of addresses) if (isIP(address) === family) out.push({ name, ttl, data: { type: family === 6 ? 'AAAA' : 'A', address } });
  return out;
}

/**
 * DNS names of the GlobalLoadBalancers, answered from their decisions:
 * - `<hostname>` A/AAAA: the addresses of the answered clusters for this client (the EDNS client subnet when the
 *   query carries one, else the resolver's address); SRV: every target, answered ones at priority 0 and fallbacks
 *   after them in order, each pointing at `<cluster>.<hostname>`, with their addresses as additional records;
 * - `_<service>._<proto>.<hostname>` SRV: the same SRV set, as clients that follow RFC 2782 ask for it;
 * - `<cluster>.<hostname>` A/AAAA: that cluster's addresses while it may be answered;
 * - names above a hostname: NODATA; anything else in the zone: NXDOMAIN.
 */
export class BalancerAnswerSource implements DnsAnswerSource {
  constructor(private readonly controller: GlobalLoadBalancerController) {}

  lookup(q: DnsQuestion): DnsLookup {
    const client = { ip: q.clientSubnet?.address ?? q.clientAddress };
    const direct = this.controller.decideForName(q.name, client);
    if (direct) return this.answer(q, direct.hostname, direct.decision);
    if (q.name.startsWith('_')) {
      const labels = q.name.split('.');
      const skip = labels[1]?.startsWith('_') ? 2 : 1;
      const host = labels.slice(skip).join('.');
      const srv = this.controller.decideForName(host, client);
      if (srv) return q.type === 'SRV' ? this.srv(q.name, host, srv.decision) : NODATA;
    }
    const dot = q.name.indexOf('.');
    if (dot > 0) {
      const target = this.controller.clusterTarget(q.name.slice(dot + 1), q.name.slice(0, dot));
      if (target) return q.type === 'A' || q.type === 'AAAA' ? { kind: 'answer', answers: addressRecords(q.name, target.addresses, q.type, target.ttl) } : NODATA;
    }
    return this.controller.isEmptyNonTerminal(q.name) ? NODATA : NXDOMAIN;
  }

  private answer(q: DnsQuestion, hostname: string, d: Decision): DnsLookup {
    if (q.type === 'SRV') return this.srv(q.name, hostname, d);
    if (q.type !== 'A' && q.type !== 'AAAA') return NODATA;
    const answers: DnsRecord[] = [];
    for (const t of d.targets) if (t.answered) answers.push(...addressRecords(q.name, t.addresses, q.type, d.ttlSeconds));
    // Geo answers depend on where the client is: tell caches the answer holds for the client's whole subnet.
    const scoped = d.strategy === 'Geo' && q.clientSubnet && d.client.regionSource === 'ClientNetwork';
    return { kind: 'answer', answers, ...(scoped ? { ecsScopePrefixLength: q.clientSubnet!.prefixLength } : {}) };
  }

  private srv(owner: string, hostname: string, d: Decision): DnsLookup {
    const answers: DnsRecord[] = [];
    const additionals: DnsRecord[] = [];
    let fallback = 0;
    for (const t of d.targets) {
      if (t.port === undefined) continue;
      const target = `${t.cluster}.${hostname}`;
      const priority = t.answered ? 0 : ++fallback;
      const weight = Math.max(0, Math.min(65535, Math.round(t.weight ?? 1)));
      answers.push({ name: owner, ttl: d.ttlSeconds, data: { type: 'SRV', priority, weight, port: t.port, target } });
      additionals.push(...addressRecords(target, t.addresses, 'A', d.ttlSeconds), ...addressRecords(target, t.addresses, 'AAAA', d.ttlSeconds));
    }
    return { kind: 'answer', answers, additionals };
  }
}
