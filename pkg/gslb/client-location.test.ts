import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ClientNetwork } from '../../api/federation/v1alpha1/global-load-balancer.js';
import { ClientNetworkTable, invalidClientNetworks, resolveClientLocation } from './client-location.js';

const NETWORKS: ClientNetwork[] = [
  { cidr: '10.1.0.0/16', region: 'eu-west' },
  { cidr: '10.1.2.0/24', region: 'us-east', zone: 'us-east-1' }, // inside 10.1/16: the longer prefix wins
  { cidr: '10.3.0.0/16', region: 'ap-south', zone: 'ap-south-1' },
  { cidr: '10.3.0.0/16', region: 'not-me' }, // the same network again: the first listed wins
  { cidr: '10.4.0.0/16', region: 'eu-west', zone: 'eu-west-a' },
  { cidr: 'bogus', region: 'never' }, // invalid: skipped
  { cidr: '2001:db8::/32', region: 'us-east' },
  { cidr: '2001:db8:3::/48', region: 'ap-south' },
  { cidr: '::ffff:10.5.0.0/112', region: 'eu-west' }, // an IPv4 network written as IPv4-mapped IPv6
  { cidr: '::/0', region: 'v6-default' },
];
const table = new ClientNetworkTable(NETWORKS);

describe('ClientNetworkTable.locate', () => {
  it.each([
    { ip: '10.1.9.9', region: 'eu-west' },
    { ip: '10.1.2.77', region: 'us-east' },
    { ip: '10.1.3.1', region: 'eu-west' },
    { ip: '10.3.200.1', region: 'ap-south' },
    { ip: '::ffff:10.1.2.3', region: 'us-east' },
    { ip: '::ffff:a01:909', region: 'eu-west' },
    { ip: '::FFFF:10.3.0.1', region: 'ap-south' },
    { ip: '10.5.1.1', region: 'eu-west' },
    { ip: '2001:db8::1', region: 'us-east' },
    { ip: '2001:db8:3:4::1', region: 'ap-south' },
    { ip: '2001:0db8:0003:0000:0000:0000:0000:0001', region: 'ap-south' },
    { ip: 'fe80::1%eth0', region: 'v6-default' },
    { ip: '2001:db9::1', region: 'v6-default' },
    { ip: '192.0.2.1', region: undefined }, // IPv6 ::/0 does not catch IPv4 clients
    { ip: '::ffff:192.0.2.1', region: undefined },
    { ip: 'not-an-ip', region: undefined },
    { ip: '10.1.2', region: undefined },
  ])('$ip is in $region', ({ ip, region }) => {
    expect(table.locate(ip)?.region).toBe(region);
  });

  it('matches IPv4 defaults, and an empty table matches nothing', () => {
    const all = new ClientNetworkTable([{ cidr: '0.0.0.0/0', region: 'anywhere' }, { cidr: '192.0.2.0/32', region: 'one' }]);
    expect(all.locate('203.0.113.9')?.region).toBe('anywhere');
    expect(all.locate('192.0.2.0')?.region).toBe('one');
    expect(all.locate('2001:db8::1')).toBeUndefined();
    expect(new ClientNetworkTable(undefined).locate('10.0.0.1')).toBeUndefined();
  });

  it('agrees with net.BlockList on random networks and addresses', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const v4 = () => [rand(256), rand(256), rand(256), rand(256)].join('.');
    const v6 = () => `2001:db8:${Array.from({ length: 6 }, () => rand(65536).toString(16)).join(':')}`;
    for (let i = 0; i < 300; i++) {
      const family = i % 2 === 0 ? 'ipv4' : 'ipv6';
      const prefix = family === 'ipv4' ? rand(33) : 32 + rand(97);
      const probe = family === 'ipv4' ? v4() : v6();
      // The network holding a random address, so that about half the checks below match.
      const list = new BlockList();
      list.addSubnet(probe, prefix, family);
      const base = new ClientNetworkTable([{ cidr: `${probe}/${family === 'ipv4' ? 32 : 128}`, region: 'x' }]);
      expect(base.locate(probe)?.region).toBe('x');
      const network = maskedCidr(probe, prefix, family);
      const t = new ClientNetworkTable([{ cidr: network, region: 'in' }]);
      expect(invalidClientNetworks([{ cidr: network, region: 'in' }])).toEqual([]);
      for (let j = 0; j < 4; j++) {
        const other = family === 'ipv4' ? (j === 0 ? probe : v4()) : j === 0 ? probe : `${probe.split(':').slice(0, 2 + j).join(':')}::${rand(65536).toString(16)}`;
        expect(t.locate(other)?.region === 'in', `${other} in ${network}`).toBe(list.check(other, family));
      }
    }
  });
});

/** The network of `ip` with `prefix` bits, in text: a reference implementation over BigInt. */
function maskedCidr(ip: string, prefix: number, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') {
    const n = ip.split('.').reduce((acc, p) => acc * 256n + BigInt(p), 0n);
    const net = prefix === 0 ? 0n : (n >> BigInt(32 - prefix)) << BigInt(32 - prefix);
    return `${[24n, 16n, 8n, 0n].map((s) => (net >> s) & 255n).join('.')}/${prefix}`;
  }
  const n = ip.split(':').reduce((acc, g) => acc * 65536n + BigInt(`0x${g}`), 0n);
  const net = (n >> BigInt(128 - prefix)) << BigInt(128 - prefix);
  return `${Array.from({ length: 8 }, (_, i) => ((net >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':')}/${prefix}`;
}

describe('invalidClientNetworks', () => {
  it.each(['10.0.0.0/8', '0.0.0.0/0', '10.1.2.3/32', '2001:db8::/32', '::/0', 'fe80::/10', '::ffff:10.1.0.0/112', '::ffff:0:0/96', '2001:DB8::/32'])('accepts %s', (cidr) => {
    expect(invalidClientNetworks([{ cidr, region: 'r' }])).toEqual([]);
  });

  it.each([
    { cidr: '10.0.0.0', message: 'the prefix length is missing' },
    { cidr: '10.0.0.0/', message: 'from 0 to 32' },
    { cidr: '10.0.0.0/33', message: 'from 0 to 32' },
    { cidr: '10.0.0.0/08', message: 'from 0 to 32' },
    { cidr: '10.0.0.0/-1', message: 'from 0 to 32' },
    { cidr: '10.0.0.0/8.0', message: 'from 0 to 32' },
    { cidr: '::/129', message: 'from 0 to 128' },
    { cidr: 'x/8', message: '"x" is not an IP address' },
    { cidr: '10.0.0.256/32', message: 'is not an IP address' },
    { cidr: 'fe80::%eth0/64', message: 'is not an IP address' },
    { cidr: '', message: 'such as 10.1.0.0/16' },
    { cidr: '10.1.2.3/16', message: 'the network is 10.1.0.0/16' },
    { cidr: '2001:db8::1/32', message: 'the network is 2001:db8::/32' },
    { cidr: '2001:db8:0:1:0:0:1:0/64', message: 'the network is 2001:db8:0:1::/64' },
    { cidr: '::ffff:10.1.2.3/112', message: 'the network is ::ffff:a01:0/112' },
  ])('rejects $cidr: $message', ({ cidr, message }) => {
    const bad = invalidClientNetworks([{ cidr: '10.0.0.0/8', region: 'ok' }, { cidr, region: 'r' }]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.index).toBe(1);
    expect(bad[0]!.message).toContain(message);
  });

  it('reports every bad entry by index, and survives entries that are not objects', () => {
    const networks = [{ cidr: 'a', region: 'r' }, { cidr: '10.0.0.0/8', region: 'r' }, null, { region: 'r' }] as unknown as ClientNetwork[];
    expect(invalidClientNetworks(networks).map((b) => b.index)).toEqual([0, 2, 3]);
  });
});

describe('resolveClientLocation', () => {
  it.each([
    { client: { region: 'eu-west', zone: 'eu-west-b', ip: '10.1.2.3' }, expected: { region: 'eu-west', zone: 'eu-west-b', ip: '10.1.2.3', regionSource: 'Query' } },
    { client: { region: 'ap-south' }, expected: { region: 'ap-south', regionSource: 'Query' } },
    { client: { ip: '10.1.2.3' }, expected: { region: 'us-east', zone: 'us-east-1', ip: '10.1.2.3', regionSource: 'ClientNetwork' } },
    { client: { ip: '10.1.9.9', zone: 'eu-west-c' }, expected: { region: 'eu-west', zone: 'eu-west-c', ip: '10.1.9.9', regionSource: 'ClientNetwork' } },
    { client: { ip: '10.4.0.1' }, expected: { region: 'eu-west', zone: 'eu-west-a', ip: '10.4.0.1', regionSource: 'ClientNetwork' } },
    { client: { ip: '10.4.0.1', zone: 'eu-west-c' }, expected: { region: 'eu-west', zone: 'eu-west-c', ip: '10.4.0.1', regionSource: 'ClientNetwork' } },
    { client: { ip: '::ffff:10.3.0.9' }, expected: { region: 'ap-south', zone: 'ap-south-1', ip: '::ffff:10.3.0.9', regionSource: 'ClientNetwork' } },
    { client: { ip: '2001:db8:3::9' }, expected: { region: 'ap-south', ip: '2001:db8:3::9', regionSource: 'ClientNetwork' } },
    { client: { ip: '192.0.2.1', zone: 'z' }, expected: { zone: 'z', ip: '192.0.2.1', regionSource: 'Unknown' } },
    { client: { region: '', ip: '10.1.9.9' }, expected: { region: 'eu-west', ip: '10.1.9.9', regionSource: 'ClientNetwork' } },
    { client: {}, expected: { regionSource: 'Unknown' } },
  ])('$client is $expected', ({ client, expected }) => {
    expect(resolveClientLocation(client, table)).toEqual(expected);
  });

  it('without client networks knows only what the query says', () => {
    expect(resolveClientLocation({ ip: '10.1.2.3' }, undefined)).toEqual({ ip: '10.1.2.3', regionSource: 'Unknown' });
  });
});
