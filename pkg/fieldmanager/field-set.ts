import { comparePathElements, isPathElement, type PathElement } from './path-element.js';

/** A FieldsV1 document: every key a path element (or `.` for "this node itself"), every value a nested document. */
export type FieldsV1 = { [element: string]: FieldsV1 };

/**
 * A set of field paths, stored as a trie: `members` are the paths that end at this node's children, `children`
 * the subtrees below them. The operations are the ones structured-merge-diff defines on its sets; results never
 * keep empty subtrees, so two equal sets have equal tries.
 */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: (readonly PathElement[])[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: readonly PathElement[]): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i]!;
      let child = node.children.get(pe);
      if (!child) {
        child = new FieldSet();
        node.children.set(pe, child);
      }
      node = child;
    }
    node.members.add(path[path.length - 1]!);
  }

  has(path: readonly PathElement[]): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i]!);
    return node?.members.has(path[path.length - 1]!) ?? false;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  /** The subtree below one element (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? EMPTY;
  }

  private setChild(pe: PathElement, child: FieldSet): void {
    if (!child.empty()) this.children.set(pe, child);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of other.members) out.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      out.setChild(pe, o ? c.union(o) : c.clone());
    }
    for (const [pe, o] of other.children) if (!this.children.has(pe)) out.setChild(pe, o.clone());
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      out.setChild(pe, o ? c.difference(o) : c.clone());
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const o = other.children.get(pe);
      if (o) out.setChild(pe, c.intersection(o));
    }
    return out;
  }

  /** Removes every member of `other` together with everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (other.members.has(pe)) continue;
      const o = other.children.get(pe);
      out.setChild(pe, o ? c.recursiveDifference(o) : c.clone());
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.setChild(pe, c.clone());
    return out;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  /** Every member path, members of a node before its subtrees, each level in structured-merge-diff's order. */
  paths(prefix: readonly PathElement[] = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const m of [...this.members].sort(comparePathElements)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePathElements)) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  toFieldsV1(): FieldsV1 {
    const out: FieldsV1 = {};
    const elements = new Set<PathElement>([...this.members, ...this.children.keys()]);
    for (const pe of [...elements].sort(comparePathElements)) {
      const child = this.children.get(pe);
      if (child && !child.empty()) {
        const node: FieldsV1 = {};
        if (this.members.has(pe)) node['.'] = {};
        Object.assign(node, child.toFieldsV1());
        out[pe] = node;
      } else {
        out[pe] = {};
      }
    }
    return out;
  }

  /** Reads a FieldsV1 document; throws an Error naming the bad element. */
  static fromFieldsV1(doc: unknown): FieldSet {
    const out = new FieldSet();
    fill(out, doc);
    return out;
  }
}

const EMPTY = new FieldSet();

function fill(node: FieldSet, doc: unknown): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected an object');
  for (const [key, sub] of Object.entries(doc as Record<string, unknown>)) {
    if (key === '.') continue;
    if (!isPathElement(key)) throw new Error(`parsing path element "${key}": invalid path element`);
    if (typeof sub !== 'object' || sub === null || Array.isArray(sub)) throw new Error(`expected an object at "${key}"`);
    const entries = Object.keys(sub);
    if (entries.length === 0 || entries.includes('.')) node.members.add(key);
    if (entries.some((k) => k !== '.')) {
      const child = new FieldSet();
      fill(child, sub);
      if (!child.empty()) node.children.set(key, child);
    }
  }
}
