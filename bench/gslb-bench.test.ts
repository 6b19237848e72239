import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DnsResponder } from '../pkg/gslb/dns-responder.js';
import { runNodeDnsLoad } from './gslb-dns-load.js';
import { parseDnsperfOutput } from './gslb-dnsperf.js';
import { measureEngineCase, STRATEGIES } from './gslb-engine.js';
import { dnsSide, gslbVerdicts } from './gslb-report.js';
import { nsdConfig, zoneFile } from './gslb-reference-dns.js';

const dir = mkdtempSync(join(tmpdir(), 'gslb-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gslb benchmark helpers', () => {
  it('reads dnsperf -v output: a latency per answer line and the statistics', async () => {
    const path = join(dir, 'dnsperf.out');
    writeFileSync(
      path,
      [
        'DNS Performance Testing Tool',
        'Version 2.10.0',
        '',
        '[Status] Command line: dnsperf -s 127.0.0.1 -p 5353 -d q -l 1 -v',
        '> NOERROR web.bench-gslb.herd.local A 0.000281',
        '> NOERROR web.bench-gslb.herd.local A 0.000042',
        '> NXDOMAIN nothing.herd.local A 0.001000',
        '[Status] Testing complete (time limit)',
        '',
        'Statistics:',
        '',
        '  Queries sent:         4',
        '  Queries completed:    3 (75.00%)',
        '  Queries lost:         1 (25.00%)',
        '',
        '  Response codes:       NOERROR 2 (66.67%), NXDOMAIN 1 (33.33%)',
        '  Average packet size:  request 43, response 91',
        '  Run time (s):         1.000100',
        '  Queries per second:   2.999700',
        '',
        '  Average Latency (s):  0.000441 (min 0.000042, max 0.001000)',
        '  Latency StdDev (s):   0.000400',
        '',
      ].join('\n'),
    );
    const run = await parseDnsperfOutput(path);
    expect(run).toMatchObject({ sent: 4, completed: 3, lost: 1, seconds: 1.0001, rcodes: { NOERROR: 2, NXDOMAIN: 1 }, responseBytes: 91 });
    expect(run.latenciesMs.map((l) => Math.round(l * 1000))).toEqual([281, 42, 1000]);
    expect(run.reported?.queriesPerSecond).toBeCloseTo(2.9997);
    expect(run.reported?.maxLatencyMs).toBeCloseTo(1);
    const side = dnsSide('x', [run], 3);
    expect(side.answersPerSecond).toBe(2);
    expect(side.p50Ms).toBeCloseTo(0.281);
  });

  it('writes the static zone and an NSD config that stays in its directory', () => {
    const zone = zoneFile({ zone: 'herd.local', hostname: 'web.bench-gslb.herd.local', addresses: ['127.0.0.21', '127.0.0.22'], ttl: 5 });
    expect(zone.split('\n').filter(Boolean)).toEqual([
      '$ORIGIN herd.local.',
      '$TTL 3600',
      '@ IN SOA ns.herd.local. hostmaster.herd.local. 1 3600 600 86400 30',
      '@ IN NS ns.herd.local.',
      'web.bench-gslb 5 IN A 127.0.0.21',
      'web.bench-gslb 5 IN A 127.0.0.22',
    ]);
    const config = nsdConfig('/w/nsd', 5353, 'herd.local', '/w/nsd/herd.local.zone');
    expect(config).toContain('ip-address: 127.0.0.1@5353');
    expect(config).toContain('rrl-ratelimit: 0');
    expect(config).toContain('server-count: 1');
    for (const line of config.split('\n').filter((l) => l.includes('"/'))) expect(line).toMatch(/"\/w\/nsd/);
  });

  it('measures every strategy in process and answers what the strategy says', () => {
    const answered = Object.fromEntries(STRATEGIES.map((s) => [s, measureEngineCase(s, 3, { calls: 200, warmups: 20, maxSecondsPerCase: 5 }).answered]));
    expect(answered).toEqual({ RoundRobin: 3, Weighted: 1, Failover: 1, Geo: 1, Capacity: 2 });
    const c = measureEngineCase('Geo', 100, { calls: 100, warmups: 10, maxSecondsPerCase: 5 });
    expect(c.calls).toBe(100);
    expect(c.p99Us).toBeGreaterThan(0);
  });

  it('drives a DNS server with the Node generator and counts every answer', async () => {
    const responder = new DnsResponder({
      zone: 'herd.local',
      source: { lookup: (q) => ({ kind: 'answer', answers: [{ name: q.name, ttl: 5, data: { type: 'A', address: '127.0.0.21' } }] }) },
    });
    const server = dgram.createSocket('udp4');
    server.on('message', (message, peer) => {
      const { response } = responder.respond(message, { clientAddress: peer.address, transport: 'udp' });
      if (response) server.send(response, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    try {
      const run = await runNodeDnsLoad({ server: '127.0.0.1', port: server.address().port, name: 'web.bench-gslb.herd.local', type: 'A' }, { seconds: 0.3, outstanding: 8, sockets: 2 });
      expect(run.completed).toBeGreaterThan(0);
      expect(run.lost).toBe(0);
      expect(run.sent).toBe(run.completed);
      expect(run.rcodes).toEqual({ NOERROR: run.completed });
      expect(run.latenciesMs).toHaveLength(run.completed);
    } finally {
      server.close();
    }
  });

  it('prints no ratio when the reference did not run, and judges the failover bound', () => {
    const change = (seconds?: number) => ({ ...(seconds !== undefined ? { seconds } : {}), polls: 10, failedPolls: 0, steadyMissing: 0 });
    const herd = dnsSide('Herd', [], 0);
    const v = gslbVerdicts({
      engine: [],
      dns: { generator: 'g', outstanding: 1, seconds: 1, rounds: 1, herd, single: { herd }, referenceError: 'apt-get install nsd failed' },
      failover: { ingress: [{ address: 'a', removed: change(2.2), returned: change(2) }, { address: 'a', removed: change(4.2), returned: change(2) }], member: { member: 'm', address: 'a', removed: change() }, boundSeconds: 4, pollIntervalMs: 50 },
    });
    expect(v.map((x) => [x.met, x.value])).toEqual([
      [undefined, undefined],
      [false, undefined],
      [false, 4.2],
    ]);
    expect(v[0]!.why).toBe('apt-get install nsd failed');
  });
});
