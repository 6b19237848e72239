import type { HttpPool } from './http-pool.js';

/** Where Herd's own event loop stood still during a phase, from its /metrics (prom-client's default gauges). */
export interface HerdStalls {
  /** The longest event-loop delay since the previous read (prom-client resets it on each scrape; 10 ms resolution). */
  readonly loopMaxMs: number;
  /** Garbage collections since the previous read, and those that took 10 ms or more, by kind (major, minor, …). */
  readonly gc: Readonly<Record<string, { readonly count: number; readonly over10ms: number }>>;
}

interface GcCounts {
  readonly total: Map<string, number>;
  readonly upTo10ms: Map<string, number>;
}

function gcCounts(text: string): GcCounts {
  const total = new Map<string, number>();
  const upTo10ms = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\w*nodejs_gc_duration_seconds_bucket\{([^}]*)\} (\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    const kind = labels.kind ?? 'all';
    if (labels.le === '+Inf') total.set(kind, Number(m[2]));
    if (labels.le === '0.01') upTo10ms.set(kind, Number(m[2]));
  }
  return { total, upTo10ms };
}

function loopMax(text: string): number {
  const line = text.split('\n').find((l) => /^\w*nodejs_eventloop_lag_max_seconds /.test(l));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000 : Number.NaN;
}

/**
 * Reads Herd's /metrics at the start of a phase and returns a function that reads them again at its end and says how
 * long Herd's event loop stood still meanwhile and which collections ran: whether a late event was Herd's doing.
 */
export async function watchHerdStalls(herd: HttpPool): Promise<() => Promise<HerdStalls>> {
  const read = async () => (await herd.expect({ path: '/metrics' }, 200)).body!.toString('utf8');
  const before = gcCounts(await read());
  return async () => {
    const text = await read();
    const after = gcCounts(text);
    const gc: Record<string, { count: number; over10ms: number }> = {};
    for (const [kind, total] of after.total) {
      const count = total - (before.total.get(kind) ?? 0);
      const fast = (after.upTo10ms.get(kind) ?? 0) - (before.upTo10ms.get(kind) ?? 0);
      if (count > 0) gc[kind] = { count, over10ms: count - fast };
    }
    return { loopMaxMs: loopMax(text), gc };
  };
}
