import type { DnsAnswerSource, DnsLookup, DnsQuestion, DnsRecord } from './dns-answer-source.js';

// An in-memory answer source for the DNS tests, with one name for each shape of answer the server must handle.

export const ZONE = 'herd.local';

const a = (name: string, address: string, ttl = 30): DnsRecord => ({ name, ttl, data: { type: 'A', address } });
const aaaa = (name: string, address: string, ttl = 30): DnsRecord => ({ name, ttl, data: { type: 'AAAA', address } });
const srv = (name: string, target: string, port: number, priority = 0): DnsRecord => ({ name, ttl: 30, data: { type: 'SRV', priority, weight: 1, port, target } });

/** Names of the fake zone and what they answer. */
export const FAKE = {
  app: `app.${ZONE}`,
  /** 100 A records: too large for UDP. */
  big: `big.${ZONE}`,
  /** SRV answers that fit in 512 bytes, with additionals that do not. */
  wide: `wide.${ZONE}`,
  /** A tailored to the client subnet: scope = the subnet's prefix length. */
  geo: `geo.${ZONE}`,
  /** An empty non-terminal above `x.svc`. */
  svc: `svc.${ZONE}`,
  /** The source throws. */
  boom: `boom.${ZONE}`,
  /** The source returns an address that is not one. */
  bad: `bad.${ZONE}`,
};

export class FakeAnswerSource implements DnsAnswerSource {
  readonly questions: DnsQuestion[] = [];

  lookup(q: DnsQuestion): DnsLookup {
    this.questions.push(q);
    const answer = (answers: DnsRecord[], additionals: DnsRecord[] = []): DnsLookup => ({ kind: 'answer', answers, additionals });
    switch (q.name) {
      case FAKE.app:
        if (q.type === 'A') return answer([a(q.name, '10.0.0.1'), a(q.name, '10.0.0.2')]);
        if (q.type === 'AAAA') return answer([aaaa(q.name, 'fd00::1')]);
        if (q.type === 'SRV') return answer([srv(q.name, `east.${q.name}`, 8080), srv(q.name, `west.${q.name}`, 8080, 1)], [a(`east.${q.name}`, '10.0.0.1'), a(`west.${q.name}`, '10.0.0.2')]);
        return answer([]);
      case FAKE.big:
        return answer(q.type === 'A' ? Array.from({ length: 100 }, (_, i) => a(q.name, `10.1.0.${i + 1}`)) : []);
      case FAKE.wide: {
        if (q.type !== 'SRV') return answer([]);
        const targets = Array.from({ length: 4 }, (_, i) => `c${i}.${q.name}`);
        return answer(
          targets.map((t) => srv(q.name, t, 443)),
          targets.flatMap((t) => Array.from({ length: 10 }, (_, i) => a(t, `10.2.0.${i + 1}`))),
        );
      }
      case FAKE.geo:
        if (q.type !== 'A') return answer([]);
        return { kind: 'answer', answers: [a(q.name, q.clientSubnet ? '10.9.0.1' : '10.8.0.1')], ecsScopePrefixLength: q.clientSubnet?.prefixLength ?? 0 };
      case FAKE.svc:
        return answer([]);
      case FAKE.boom:
        throw new Error('source failure');
      case FAKE.bad:
        return answer([a(q.name, 'not-an-address')]);
    }
    return { kind: 'nxdomain' };
  }
}
