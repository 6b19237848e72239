import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Stretches of the run to summarise together, in microseconds of the monotonic clock V8 stamps profiles with. */
export interface ProfileWindow {
  readonly name: string;
  readonly spans: (readonly [startUs: number, endUs: number])[];
}

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

/** The parts of a V8 `.cpuprofile` read here. */
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Now on the clock of `.cpuprofile` timestamps (CLOCK_MONOTONIC, as `process.hrtime`). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The newest `.cpuprofile` in `dir`, if any. */
export function newestProfile(dir: string): string | undefined {
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
    return files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: a package, a file of this project, a Node.js built-in, or a V8 pseudo-frame. */
function place(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(.+?)\.js$/.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

function label(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${place(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1).padStart(5)}%`;

function top(map: Map<string, number>, n: number, busy: number): string[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, us]) => `    ${pct(us, busy)}  ${key}`);
}

/**
 * Per window: busy time (not idle), the functions with the most self time, the places (packages, project files)
 * with the most self time, and the project's functions with the most inclusive time (callees included).
 */
export function summariseProfile(path: string, windows: readonly ProfileWindow[], n = 12): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const out: string[] = [`Herd CPU profile ${path}`];
  for (const w of windows) {
    const self = new Map<string, number>();
    const places = new Map<string, number>();
    const inclusive = new Map<string, number>();
    let busy = 0;
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const weight = profile.timeDeltas[i + 1] ?? 0;
      if (!w.spans.some(([start, end]) => t >= start && t <= end)) continue;
      const node = byId.get(profile.samples[i]!);
      if (!node || IDLE.has(node.callFrame.functionName)) continue;
      busy += weight;
      self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + weight);
      places.set(place(node.callFrame), (places.get(place(node.callFrame)) ?? 0) + weight);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)!.callFrame;
        if (!frame.url.includes('/dist/')) continue;
        const key = label(frame);
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + weight);
      }
    }
    const seconds = w.spans.reduce((sum, [start, end]) => sum + end - start, 0) / 1e6;
    out.push('', `${w.name}: Herd busy ${(busy / 1e6).toFixed(2)} s of ${seconds.toFixed(2)} s`);
    if (busy === 0) continue;
    out.push('  self time by function:', ...top(self, n, busy));
    out.push('  self time by place:', ...top(places, n, busy));
    out.push('  inclusive time, Herd code:', ...top(inclusive, n, busy));
  }
  return out.join('\n');
}
