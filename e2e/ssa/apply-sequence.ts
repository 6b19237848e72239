/** One request of a generated sequence; `put` steps send the object as last read with `spec` merged in. */
export interface ApplyStep {
  readonly method: 'PATCH' | 'PUT';
  /** Relative to the object's URL: '' or '/status'. */
  readonly subresource: '' | '/status';
  readonly query: string;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
  readonly userAgent?: string;
  readonly put?: boolean;
}

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MANAGERS = ['alpha', 'beta', 'kubectl'];

/**
 * A sequence of applies and updates on one object by two or three managers. Values come from small pools so
 * managers collide on the same fields, keys and set values; re-applies drop fields to exercise removal.
 */
export function generateSequence(seed: number, group: string, version: string, kind: string, name: string): ApplyStep[] {
  const rnd = seededRandom(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const maybe = (p: number): boolean => rnd() < p;
  const managers = MANAGERS.slice(0, maybe(0.5) ? 2 : 3);
  const spec = (): Record<string, unknown> => {
    const s: Record<string, unknown> = {};
    if (maybe(0.5)) s.replicas = pick([1, 2, 3]);
    if (maybe(0.4)) s.image = pick(['a', 'b']);
    if (maybe(0.15)) s.paused = pick([true, false]);
    if (maybe(0.3)) s.args = pick([['x'], ['x', 'y'], []]);
    if (maybe(0.4)) s.tags = [...new Set([pick(['t1', 't2', 't3']), pick(['t1', 't2'])])];
    if (maybe(0.2)) s.ids = [...new Set([pick([1, 2, 3]), pick([1, 2])])];
    if (maybe(0.5)) {
      const env: Record<string, unknown>[] = [];
      for (const n of new Set([pick(['A', 'B', 'C']), pick(['A', 'B', 'C'])].slice(0, pick([1, 2])))) {
        const e: Record<string, unknown> = { name: n };
        if (maybe(0.7)) e.value = pick(['1', '2']);
        if (maybe(0.3)) e.opts = [pick(['o1', 'o2'])];
        if (maybe(0.2)) e.cmd = [pick(['run', 'serve'])];
        env.push(e);
      }
      s.env = env;
    }
    if (maybe(0.3)) s.ports = [{ port: pick([80, 443]), ...(maybe(0.5) ? { protocol: pick(['TCP', 'UDP']) } : {}), ...(maybe(0.5) ? { name: pick(['http', 'web']) } : {}) }];
    if (maybe(0.15)) s.volumes = [{ name: pick(['v1', 'v2']), size: pick([1, 2]) }];
    if (maybe(0.3)) s.selector = maybe(0.5) ? { a: pick(['1', '2']) } : { b: '1' };
    if (maybe(0.3)) s.labels = { [pick(['k1', 'k2'])]: pick(['v1', 'v2']) };
    if (maybe(0.3)) s.nested = { inner: maybe(0.5) ? { x: pick(['p', 'q']) } : { y: pick([1, 2]) } };
    if (maybe(0.2)) s.free = pick([{ a: 1 }, { a: { b: [1] } }, { c: 'x' }]);
    if (maybe(0.2)) s.port = pick([8080, 'http']);
    if (maybe(0.15)) s.mode = pick(['auto', 'manual']);
    return s;
  };
  const status = (): Record<string, unknown> => {
    const s: Record<string, unknown> = {};
    if (maybe(0.6)) s.phase = pick(['Up', 'Down']);
    if (maybe(0.2)) s.observed = pick([1, 2]);
    if (maybe(0.5)) s.conditions = [{ type: pick(['Ready', 'Synced']), status: pick(['True', 'False']) }];
    return s;
  };
  const object = (extra: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: `${group}/${version}`,
    kind,
    metadata: { name, ...(maybe(0.2) ? { labels: { l: pick(['1', '2']) } } : {}), ...(maybe(0.1) ? { annotations: { n: pick(['1', '2']) } } : {}) },
    ...extra,
  });
  const lastApplied = new Map<string, Record<string, unknown>>();
  const steps: ApplyStep[] = [];
  const length = 3 + Math.floor(rnd() * 6);
  for (let i = 0; i < length; i++) {
    const m = pick(managers);
    const r = rnd();
    const force = maybe(0.25) ? '&force=true' : '';
    if (i === 0 && maybe(0.2)) {
      steps.push({ method: 'PATCH', subresource: '', query: '', contentType: 'create', body: object({ spec: spec() }) });
    } else if (i === 0 || r < 0.5) {
      let s = spec();
      const previous = lastApplied.get(m);
      if (previous && maybe(0.4)) {
        s = structuredClone(previous);
        const keys = Object.keys(s);
        if (keys.length > 0) delete s[pick(keys)];
      }
      lastApplied.set(m, s);
      steps.push({ method: 'PATCH', subresource: '', query: `fieldManager=${m}${force}`, contentType: 'application/apply-patch+yaml', body: object({ spec: s }) });
    } else if (r < 0.62) {
      steps.push({ method: 'PATCH', subresource: '/status', query: `fieldManager=${m}${force}`, contentType: 'application/apply-patch+yaml', body: object({ status: status() }) });
    } else if (r < 0.78) {
      const ua = maybe(0.5);
      steps.push({ method: 'PATCH', subresource: '', query: ua ? '' : `fieldManager=${m}-merge`, contentType: 'application/merge-patch+json', body: { spec: spec() }, ...(ua ? { userAgent: `${m}-agent/1.2 (linux)` } : {}) });
    } else if (r < 0.84) {
      steps.push({ method: 'PATCH', subresource: '', query: `fieldManager=${m}-json`, contentType: 'application/json-patch+json', body: { ops: [{ op: 'add', path: '/metadata/labels', value: { j: pick(['1', '2']) } }] } });
    } else if (r < 0.92) {
      steps.push({ method: 'PATCH', subresource: '/status', query: `fieldManager=${m}-status`, contentType: 'application/merge-patch+json', body: { status: status() } });
    } else {
      steps.push({ method: 'PUT', subresource: '', query: `fieldManager=${m}-put`, contentType: 'application/json', body: { spec: spec() }, put: true });
    }
  }
  return steps;
}
