import { isIP } from 'node:net';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDnsResponse, queryDns } from '../../pkg/gslb/dns-client.js';
import { readFleetState } from '../../e2e/controlplane/fleet-state.js';
import { DEFAULT_STATE_DIR } from '../../e2e/controlplane/local-fleet.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number (1-65535)');
  return n;
}

function subnet(value: string): { address: string; prefixLength: number } {
  const [address = '', bits] = value.split('/');
  const family = isIP(address);
  const prefixLength = bits === undefined ? (family === 6 ? 56 : 24) : Number(bits);
  if (family === 0 || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > (family === 6 ? 128 : 32)) {
    throw new InvalidArgumentError('must be an address with an optional prefix length, such as 10.2.0.0/24');
  }
  return { address, prefixLength };
}

function queryCommand(): Command {
  return new Command('query')
    .description("ask a DNS server (Herd's, by default the local fleet's) for a name and print the answer as dig does")
    .argument('<name>', 'the name to look up, such as web.default.herd.local')
    .addOption(new Option('--type <type>', 'record type').default('A'))
    .option('--server <address>', 'DNS server address (default: the local fleet\'s Herd)')
    .option('--port <port>', 'DNS server port (default: the local fleet\'s Herd)', port)
    .option('--tcp', 'ask over TCP instead of UDP', false)
    .option('--subnet <cidr>', 'send an EDNS client subnet, as a resolver in that network would (Geo answers depend on it)', subnet)
    .option('--state-dir <dir>', 'the local fleet to ask when --server/--port are not given', DEFAULT_STATE_DIR)
    .action(async (name: string, opts: { type: string; server?: string; port?: number; tcp: boolean; subnet?: { address: string; prefixLength: number }; stateDir: string }) => {
      const dns = opts.port === undefined ? readFleetState(opts.stateDir)?.herd?.dns : undefined;
      const server = opts.server ?? dns?.address ?? '127.0.0.1';
      const at = opts.port ?? dns?.port;
      if (at === undefined) throw new Error(`no --port given and no local fleet with a DNS server in ${opts.stateDir}`);
      const result = await queryDns({ server, port: at, name, type: opts.type.toUpperCase(), transport: opts.tcp ? 'tcp' : 'udp', ...(opts.subnet ? { clientSubnet: opts.subnet } : {}) });
      process.stdout.write(`${formatDnsResponse(result)}\n;; SERVER: ${server}#${at} (${opts.tcp ? 'TCP' : 'UDP'})\n`);
    });
}

export function dnsCommand(): Command {
  return new Command('dns').description("query Herd's DNS server for GlobalLoadBalancer names").addCommand(queryCommand());
}
