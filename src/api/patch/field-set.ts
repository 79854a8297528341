// A set of field paths (structured-merge-diff fieldpath.Set): a trie whose nodes
// record which elements are members (owned themselves) and which have owned
// descendants. Its fieldsV1 rendering is what managedFields entries carry:
//   {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}
// where `{}` marks a member, "." marks a node that is both a member and a parent.

import type { Path, PathElement } from './field-path.js';
import { compareElements, FieldPathError, parseElement, serializeElement } from './field-path.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject, MAX_PATCH_DEPTH } from './json-value.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

const byElement = (a: PathElement, b: PathElement): number => compareElements(a, b);

interface RenderEntry {
  readonly key: string;
  readonly pe: PathElement;
  readonly child: JsonObject | undefined;
}

/** compareElements, with the common case (two field names) inline. */
function byEntry(a: RenderEntry, b: RenderEntry): number {
  const p = a.pe;
  const q = b.pe;
  if (p.kind === 'field' && q.kind === 'field') return p.name < q.name ? -1 : p.name > q.name ? 1 : 0;
  return compareElements(p, q);
}

export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Adds a path (the empty path, the whole object, is never owned). */
  insert(path: Path): void {
    if (path.length === 0) return;
    const node = path.slice(0, -1).reduce<FieldSet>((set, pe) => set.descend(pe), this);
    const last = path[path.length - 1] as PathElement;
    node.members.set(serializeElement(last), last);
  }

  /** The child set for an element, created if missing. */
  descend(pe: PathElement): FieldSet {
    const key = serializeElement(pe);
    let child = this.children.get(key);
    if (child === undefined) {
      child = { pe, set: new FieldSet() };
      this.children.set(key, child);
    }
    return child.set;
  }

  /**
   * The keyed forms of descend, member insertion and lookups, for walks that
   * already hold an element's serialized key (serializeElement(pe)).
   */
  descendKey(key: string, pe: PathElement): FieldSet {
    let child = this.children.get(key);
    if (child === undefined) {
      child = { pe, set: new FieldSet() };
      this.children.set(key, child);
    }
    return child.set;
  }

  insertMemberKey(key: string, pe: PathElement): void {
    this.members.set(key, pe);
  }

  hasMemberKey(key: string): boolean {
    return this.members.has(key);
  }

  withPrefixKey(key: string): FieldSet {
    return this.children.get(key)?.set ?? EMPTY;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    const node = path.slice(0, -1).reduce<FieldSet | undefined>((set, pe) => set?.children.get(serializeElement(pe))?.set, this);
    return node?.members.has(serializeElement(path[path.length - 1] as PathElement)) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The paths under an element, without the element (empty when none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? EMPTY;
  }

  hasChild(pe: PathElement): boolean {
    const child = this.children.get(serializeElement(pe));
    return child !== undefined && !child.set.empty;
  }

  get empty(): boolean {
    if (this.members.size > 0) return false;
    for (const child of this.children.values()) if (!child.set.empty) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const [key, pe] of other.members) out.members.set(key, pe);
    for (const [key, child] of other.children) {
      const mine = out.children.get(key);
      out.children.set(key, { pe: child.pe, set: mine === undefined ? child.set.copy() : mine.set.union(child.set) });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) if (other.members.has(key)) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      if (theirs === undefined) continue;
      const both = child.set.intersection(theirs.set);
      if (!both.empty) out.children.set(key, { pe: child.pe, set: both });
    }
    return out;
  }

  /** Members not in `other`; children keep what `other`'s matching children do not have. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) if (!other.members.has(key)) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      const rest = theirs === undefined ? child.set.copy() : child.set.difference(theirs.set);
      if (!rest.empty) out.children.set(key, { pe: child.pe, set: rest });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything beneath it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) if (!other.members.has(key)) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      if (other.members.has(key)) continue;
      const theirs = other.children.get(key);
      const rest = theirs === undefined ? child.set.copy() : child.set.recursiveDifference(theirs.set);
      if (!rest.empty) out.children.set(key, { pe: child.pe, set: rest });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).empty && other.difference(this).empty;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) out.members.set(key, pe);
    for (const [key, child] of this.children) out.children.set(key, { pe: child.pe, set: child.set.copy() });
    return out;
  }

  /** Member elements in order. */
  memberElements(): PathElement[] {
    return [...this.members.values()].sort(byElement);
  }

  /** Children in order, skipping empty ones. */
  childEntries(): Child[] {
    return [...this.children.values()].filter((c) => !c.set.empty).sort((a, b) => byElement(a.pe, b.pe));
  }

  /** Every member path, depth first: a node's members in order, then its children in order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.memberElements().map((pe) => [...prefix, pe]);
    for (const child of this.childEntries()) out.push(...child.set.paths([...prefix, child.pe]));
    return out;
  }

  /** The fieldsV1 JSON object, keys in fieldpath order. */
  toFieldsV1(): JsonObject {
    return this.fieldsV1() ?? {};
  }

  /**
   * The fieldsV1 object, or undefined for an empty set. Each child is rendered
   * once and its emptiness read off the result, rather than asking `empty` (a
   * walk of its own) at every level.
   */
  private fieldsV1(): JsonObject | undefined {
    // Members before children, each in insertion order, then one stable sort:
    // equal elements keep a member first, where the "." merge below expects it.
    // Map keys are the elements' serialized forms, so they are reused as is.
    const all: RenderEntry[] = [];
    for (const [key, pe] of this.members) all.push({ key, pe, child: undefined });
    for (const [key, { pe, set }] of this.children) {
      const child = set.fieldsV1();
      if (child !== undefined) all.push({ key, pe, child });
    }
    if (all.length === 0) return undefined;
    if (all.length > 1) all.sort(byEntry);
    const out: JsonObject = {};
    for (let i = 0; i < all.length; i += 1) {
      const entry = all[i] as RenderEntry;
      const next = all[i + 1];
      if (entry.child === undefined && next !== undefined && next.child !== undefined && compareElements(entry.pe, next.pe) === 0) {
        // Both a member and a parent: "." marks the membership.
        out[entry.key] = { '.': {}, ...next.child };
        i += 1;
      } else {
        out[entry.key] = entry.child ?? {};
      }
    }
    return out;
  }

  /** Parses a fieldsV1 object; element types it does not know are skipped, as upstream does. */
  static fromFieldsV1(value: JsonValue | undefined): FieldSet {
    const set = new FieldSet();
    if (value === undefined || value === null) return set;
    if (!isJsonObject(value)) throw new FieldPathError('fieldsV1 must be an object');
    readInto(set, value, 0);
    return set;
  }
}

const EMPTY = new FieldSet();

function readInto(set: FieldSet, object: JsonObject, depth: number): void {
  if (depth > MAX_PATCH_DEPTH) throw new FieldPathError('fieldsV1 nests too deeply');
  for (const key of Object.keys(object)) {
    if (key === '.') continue;
    const pe = parseElement(key);
    if (pe === undefined) continue;
    const value = object[key];
    if (!isJsonObject(value)) throw new FieldPathError(`fieldsV1 entry ${key} must be an object`);
    const child = set.descend(pe);
    readInto(child, value, depth + 1);
    // `{}`, a "." entry, or only children this version cannot read: the element itself is a member.
    if (Object.prototype.hasOwnProperty.call(value, '.') || child.empty) set.insert([pe]);
  }
}
