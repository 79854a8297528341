// The fields a create owns, in one walk of the new object. The general path
// (recordUpdate) compares the object against an empty one, unions the added and
// modified sets, then subtracts the reset and stripped fields, copying the trie
// at each step; on the create path of a busy API that was most of a create's
// own CPU. This walk follows compareValues(lhs = {}, rhs = object) step for step
// (Go's zero values included) and filters while it records, so the result is
// the same set: test/api/patch/created-fields.test.ts holds the two together.

import type { PathElement } from './field-path.js';
import { fieldElement, serializeElement } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { getOwn, jsonEqual } from './json-value.js';
import type { SchemaNode } from './patch-metadata.js';
import { emptyLike, isContainer, isEmptyContainer, itemElement, shapeOf, TypedValueError } from './typed-value.js';

/**
 * Where the walk records: the set holding the position's element, and the
 * parts of the reset set (removed with everything beneath) and the stripped set
 * (members removed, children kept) at this depth; undefined filters are empty.
 */
interface Position {
  readonly set: FieldSet | undefined;
  readonly key: string;
  readonly pe: PathElement;
  readonly reset: FieldSet | undefined;
  readonly strip: FieldSet | undefined;
}

interface Container {
  readonly set: FieldSet | undefined;
  readonly reset: FieldSet | undefined;
  readonly strip: FieldSet | undefined;
}

/** Go's zero value on the empty side of the comparison: absent, a nil slice or map (null), or an empty struct. */
type Zero = undefined | null | JsonObject | JsonValue[];

/** A field's Go zero value as withZeroFields writes it. */
const zeroValue = (zero: 'object' | 'null' | undefined): Zero => (zero === undefined ? undefined : zero === 'object' ? {} : null);

const nonEmpty = (set: FieldSet): FieldSet | undefined => (set.empty ? undefined : set);

/**
 * compareValues({}, object).added ∪ .modified, recursiveDifference(reset),
 * difference(strip): the fields a create by one manager owns. Throws
 * TypedValueError where compareValues would (list items without keys, ...).
 */
export function createdFieldSet(object: JsonObject, schema: SchemaNode, reset: FieldSet, strip: FieldSet): FieldSet {
  const root = new FieldSet();
  walk({}, object, schema, { set: root, reset: nonEmpty(reset), strip: nonEmpty(strip) }, undefined);
  return root;
}

function mark(at: Position | undefined): void {
  if (at === undefined || at.set === undefined) return;
  if (at.reset?.hasMemberKey(at.key) === true || at.strip?.hasMemberKey(at.key) === true) return;
  at.set.insertMemberKey(at.key, at.pe);
}

/** The container at a position: where its items or fields are recorded. */
function enter(at: Position | undefined, root: Container): Container {
  if (at === undefined) return root;
  const resetHere = at.reset?.hasMemberKey(at.key) === true;
  return {
    set: at.set === undefined || resetHere ? undefined : at.set.descendKey(at.key, at.pe),
    reset: at.reset === undefined ? undefined : nonEmpty(at.reset.withPrefixKey(at.key)),
    strip: at.strip === undefined ? undefined : nonEmpty(at.strip.withPrefixKey(at.key)),
  };
}

function at(container: Container, key: string, pe: PathElement): Position {
  return { set: container.set, key, pe, reset: container.reset, strip: container.strip };
}

// compareAt with the left side restricted to a zero value; the right side is
// never absent, since the right map always carries the left map's zero fields.
function walk(lhsIn: Zero, rhsIn: JsonValue, node: SchemaNode, root: Container, position: Position | undefined): void {
  const lhs = lhsIn === null && isContainer(rhsIn, node) ? (emptyLike(rhsIn) as Zero) : lhsIn;
  const rhs = rhsIn === null && isContainer(lhsIn, node) ? emptyLike(lhsIn) : rhsIn;
  const lShape = lhs === undefined ? undefined : shapeOf(lhs, node);
  const rShape = shapeOf(rhs, node);
  const shape = lShape ?? rShape;
  if (shape === 'leaf' || (lShape !== undefined && lShape !== rShape) || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) {
    if (lhs === undefined || !jsonEqual(lhs, rhs)) mark(position);
    return;
  }
  const inner = enter(position, root);
  if (shape === 'map') {
    // withZeroFields on both sides without building either: the left side is {}
    // here (or absent), so its only fields are the zero ones, which the right
    // side also gets where it lacks them.
    const right = rhs as JsonObject;
    for (const name of Object.keys(right)) {
      const field = node.field(name);
      walk(lhs === undefined ? undefined : zeroValue(field.meta?.zero), right[name] as JsonValue, field, root, at(inner, `f:${name}`, fieldElement(name)));
    }
    for (const [name, zero] of node.zeroFields) {
      if (getOwn(right, name) !== undefined) continue;
      walk(lhs === undefined ? undefined : zeroValue(zero), zeroValue(zero) as JsonValue, node.field(name), root, at(inner, `f:${name}`, fieldElement(name)));
    }
  } else {
    walkItems(rhs as JsonValue[], node, root, inner);
  }
  if (lhs === undefined) mark(position);
}

/** compareLists against an empty list: single items are compared, duplicated ones only owned. */
function walkItems(list: readonly JsonValue[], node: SchemaNode, root: Container, inner: Container): void {
  const groups = new Map<string, { pe: PathElement; first: JsonValue; count: number }>();
  for (const item of list) {
    const pe = itemElement(item, node);
    if (typeof pe === 'string') throw new TypedValueError('', pe); // the caller keeps the live managedFields; the path is never shown
    const key = serializeElement(pe);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { pe, first: item, count: 1 });
    else group.count += 1;
  }
  if (groups.size === 0) return;
  const item = node.item();
  for (const [key, group] of groups) {
    const position = at(inner, key, group.pe);
    if (group.count === 1) walk(undefined, group.first, item, root, position);
    else mark(position);
  }
}
