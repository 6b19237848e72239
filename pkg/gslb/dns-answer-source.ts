// The contract between Herd's DNS server and whatever knows the answers. The server owns the protocol (parsing,
// EDNS, truncation, the zone apex, refusing foreign names); a source only maps one question to records, so the
// load-balancing logic never has to know what a DNS packet looks like.

/** One question, as the server hands it to a source. */
export interface DnsQuestion {
  /** Lower-cased, without the trailing dot. */
  readonly name: string;
  /** Record type name as dns-packet spells it: 'A', 'AAAA', 'SRV', 'TXT', 'UNKNOWN_65280', ... */
  readonly type: string;
  /** From EDNS client-subnet when the query carried one. */
  readonly clientSubnet?: { readonly address: string; readonly prefixLength: number };
  /** The address the query came from. */
  readonly clientAddress: string;
  readonly transport: 'udp' | 'tcp';
}

/** The data of the record types a source may answer with. */
export type DnsRecordData =
  | { readonly type: 'A' | 'AAAA'; readonly address: string }
  | { readonly type: 'SRV'; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string };

export interface DnsRecord {
  readonly name: string;
  readonly ttl: number;
  readonly data: DnsRecordData;
}

export type DnsLookup =
  /** NOERROR. An empty `answers` is NODATA (the name exists, or is an empty non-terminal). */
  | {
      readonly kind: 'answer';
      readonly answers: readonly DnsRecord[];
      readonly additionals?: readonly DnsRecord[];
      /** How much of the client subnet the answer depended on (RFC 7871 SCOPE PREFIX-LENGTH); 0 when absent. */
      readonly ecsScopePrefixLength?: number;
    }
  | { readonly kind: 'nxdomain' };

/**
 * Answers names strictly below the zone apex; the server itself answers the apex (SOA, NS) and refuses names outside
 * the zone. Must be synchronous and fast: it runs on the event loop for every query.
 */
export interface DnsAnswerSource {
  lookup(question: DnsQuestion): DnsLookup;
}
