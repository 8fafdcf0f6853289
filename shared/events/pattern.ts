// Amazon EventBridge event-pattern matching and validation.
// Semantics follow the EventBridge user guide ("Event patterns", "Content filtering") and,
// where the guide is silent, aws/event-ruler, the engine EventBridge runs.

import { endsWithIgnoringCase, equalsIgnoringCase, startsWithIgnoringCase } from './ignore-case.ts';
import { inCidr, parseCidr, sameIpAddress } from './ip-address.ts';

export type EventPattern = Record<string, unknown>;

type Validation = { ok: true } | { ok: false; error: string };
type JsonObject = Record<string, unknown>;
type Leaf = string | number | boolean | null;

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'wildcard', 'cidr'];

// ---------------------------------------------------------------- matching

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

// Arrays of objects are matched element by element, so every field of one (sub)pattern
// must be satisfied by the same element ("array consistency" in event-ruler).
function matchObject(pattern: JsonObject, node: unknown): boolean {
  const objects = flatten(node).filter(isObject);
  // A missing or non-object node still has to be matched: a pattern made only of
  // {"exists": false} leaves matches it, because none of its leaf paths exist.
  const candidates = objects.length > 0 ? objects : [{}];
  return candidates.some((candidate) => matchFields(pattern, candidate));
}

function matchFields(pattern: JsonObject, object: JsonObject): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or' && Array.isArray(sub)) {
      return sub.some((branch) => isObject(branch) && matchFields(branch, object));
    }
    const value = Object.hasOwn(object, key) ? object[key] : undefined;
    if (Array.isArray(sub)) return matchLeaf(sub, leafValues(value));
    if (isObject(sub)) return matchObject(sub, value);
    return false;
  });
}

// Leaf values at a path: array elements are flattened, objects are not leaves, and an
// empty array contributes nothing (so the field counts as absent, as in event-ruler).
function leafValues(node: unknown): Leaf[] {
  return flatten(node).filter((v): v is Leaf => v !== undefined && !isObject(v));
}

function flatten(node: unknown): unknown[] {
  return Array.isArray(node) ? node.flatMap(flatten) : [node];
}

function matchLeaf(alternatives: unknown[], values: Leaf[]): boolean {
  return alternatives.some((alt) => {
    if (isObject(alt) && 'exists' in alt) return alt.exists === values.length > 0;
    return values.some((value) => matchValue(alt, value));
  });
}

function matchValue(alt: unknown, value: Leaf): boolean {
  const str = typeof value === 'string' ? value : undefined;
  // event-ruler compiles a string that is an IP address into that one address, so
  // "2001:db8::1" also matches "2001:DB8:0:0:0:0:0:1".
  if (!isObject(alt)) return alt === value || (typeof alt === 'string' && str !== undefined && sameIpAddress(alt, str));
  const [op, arg] = Object.entries(alt)[0] ?? [];
  switch (op) {
    case 'prefix':
      return str !== undefined && stringTest(arg, str, (v, p) => v.startsWith(p), startsWithIgnoringCase);
    case 'suffix':
      return str !== undefined && stringTest(arg, str, (v, s) => v.endsWith(s), endsWithIgnoringCase);
    case 'equals-ignore-case':
      return str !== undefined && typeof arg === 'string' && equalsIgnoringCase(str, arg);
    case 'wildcard':
      return str !== undefined && typeof arg === 'string' && wildcardMatch(arg, str);
    case 'numeric':
      return typeof value === 'number' && Array.isArray(arg) && numericMatch(arg, value);
    case 'cidr': {
      const range = typeof arg === 'string' ? parseCidr(arg) : undefined;
      return str !== undefined && typeof range === 'object' && inCidr(range, str);
    }
    case 'anything-but':
      return !excludedBy(arg, value);
    default:
      return false;
  }
}

type StringTest = (value: string, operand: string) => boolean;

// prefix/suffix take either a string or {"equals-ignore-case": string}.
function stringTest(arg: unknown, value: string, exact: StringTest, ignoringCase: StringTest): boolean {
  if (typeof arg === 'string') return exact(value, arg);
  const operand = isObject(arg) ? arg['equals-ignore-case'] : undefined;
  return typeof operand === 'string' && ignoringCase(value, operand);
}

// anything-but matches every leaf value (of any type) that its argument does not exclude;
// string exclusions never exclude numbers and vice versa.
function excludedBy(arg: unknown, value: Leaf): boolean {
  if (Array.isArray(arg)) return arg.some((a) => excludedBy(a, value));
  if (typeof arg === 'string' || typeof arg === 'number') return arg === value;
  if (!isObject(arg) || typeof value !== 'string') return false;
  const [op, operand] = Object.entries(arg)[0] ?? [];
  const operands: unknown[] = Array.isArray(operand) ? operand : [operand];
  return operands.some((o) => {
    if (typeof o !== 'string') return false;
    if (op === 'prefix') return value.startsWith(o);
    if (op === 'suffix') return value.endsWith(o);
    if (op === 'equals-ignore-case') return equalsIgnoringCase(value, o);
    if (op === 'wildcard') return wildcardMatch(o, value);
    return false;
  });
}

function numericMatch(terms: unknown[], value: number): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const bound = terms[i + 1];
    if (typeof bound !== 'number') return false;
    const ok =
      terms[i] === '='
        ? value === bound
        : terms[i] === '<'
          ? value < bound
          : terms[i] === '<='
            ? value <= bound
            : terms[i] === '>'
              ? value > bound
              : terms[i] === '>='
                ? value >= bound
                : false;
    if (!ok) return false;
  }
  return terms.length > 0;
}

function wildcardMatch(pattern: string, value: string): boolean {
  const segments = parseWildcard(pattern);
  if (typeof segments === 'string') return false;
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  // Leftmost placement of each middle segment is always optimal, so no backtracking is needed.
  let pos = first.length;
  const end = value.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    const at = value.indexOf(segment, pos);
    if (at < 0 || at + segment.length > end) return false;
    pos = at + segment.length;
  }
  return true;
}

/** Literal segments between unescaped `*`s, or an error message. */
function parseWildcard(pattern: string): string[] | string {
  const segments: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') return `consecutive wildcard characters at position ${i}`;
      segments.push('');
      continue;
    }
    let literal = ch ?? '';
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return `invalid escape character at position ${i}`;
      literal = next;
      i++;
    }
    segments[segments.length - 1] += literal;
  }
  return segments;
}

// -------------------------------------------------------------- validation

class PatternError extends Error {}

function fail(path: string, message: string): never {
  throw new PatternError(`${path}: ${message}`);
}

export function validatePattern(pattern: unknown): Validation {
  try {
    if (!isObject(pattern)) fail('$', 'event pattern must be a JSON object');
    checkObject(pattern, '$', false);
    return { ok: true };
  } catch (err) {
    if (err instanceof PatternError) return { ok: false, error: err.message };
    throw err;
  }
}

function checkObject(object: JsonObject, path: string, inOr: boolean): void {
  const entries = Object.entries(object);
  if (entries.length === 0) fail(path, 'empty objects are not allowed');
  for (const [key, value] of entries) {
    const at = `${path}.${key}`;
    if (key === '$or') {
      checkOr(value, at);
    } else if (inOr && OPERATORS.includes(key)) {
      // event-ruler refuses operator names as field names anywhere under $or.
      fail(at, `"${key}" is a reserved word and cannot be used as a field name inside $or`);
    } else if (Array.isArray(value)) {
      checkLeaf(value, at);
    } else if (isObject(value)) {
      checkObject(value, at, inOr);
    } else {
      fail(at, 'must be an object or an array');
    }
  }
}

function checkOr(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, '$or must be an array of objects');
  if (value.length < 2) fail(path, '$or must contain at least 2 objects');
  value.forEach((branch, i) => {
    if (!isObject(branch)) fail(`${path}[${i}]`, 'only objects are allowed in $or');
    checkObject(branch, `${path}[${i}]`, true);
  });
}

function checkLeaf(alternatives: unknown[], path: string): void {
  if (alternatives.length === 0) fail(path, 'empty arrays are not allowed');
  alternatives.forEach((alt, i) => {
    const at = `${path}[${i}]`;
    if (isObject(alt)) checkOperator(alt, at);
    else if (!isLeaf(alt)) fail(at, 'match value must be a string, number, boolean, null or operator object');
  });
}

function checkOperator(expr: JsonObject, path: string): void {
  const entries = Object.entries(expr);
  const [op, arg] = entries[0] ?? [];
  if (op === undefined) fail(path, 'match expression name not found');
  if (entries.length > 1) fail(path, 'only one key allowed in match expression');
  const at = `${path}.${op}`;
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return;
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') return;
      return fail(at, `${op} must be a string or {"equals-ignore-case": string}`);
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail(at, 'equals-ignore-case must be a string');
      return;
    case 'wildcard':
      return checkWildcard(arg, at);
    case 'exists':
      if (typeof arg !== 'boolean') fail(at, 'exists must be true or false');
      return;
    case 'cidr': {
      if (typeof arg !== 'string') return fail(at, 'cidr must be a string');
      const parsed = parseCidr(arg);
      if (typeof parsed === 'string') fail(at, parsed);
      return;
    }
    case 'numeric':
      return checkNumeric(arg, at);
    case 'anything-but':
      return checkAnythingBut(arg, at);
    default:
      return fail(path, `unrecognized match type "${op}"`);
  }
}

function checkWildcard(arg: unknown, path: string): void {
  if (typeof arg !== 'string') fail(path, 'wildcard must be a string');
  const parsed = parseWildcard(arg);
  if (typeof parsed === 'string') fail(path, parsed);
}

function checkNumeric(arg: unknown, path: string): void {
  if (!Array.isArray(arg)) fail(path, 'numeric must be an array');
  const [op, bound, op2, top, ...rest] = arg as unknown[];
  const isNum = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!['=', '<', '<=', '>', '>='].includes(op as string)) fail(path, `unrecognized numeric operator ${JSON.stringify(op)}`);
  if (!isNum(bound)) fail(path, `value of ${String(op)} must be a number`);
  if (arg.length === 2) return;
  // Only a lower bound (> or >=) may be followed by an upper bound (< or <=).
  if (op !== '>' && op !== '>=') fail(path, `too many elements after ${String(op)}`);
  if (op2 !== '<' && op2 !== '<=') fail(path, `bad numeric range operator ${JSON.stringify(op2)}`);
  if (!isNum(top)) fail(path, `value of ${op2} must be a number`);
  if (rest.length > 0) fail(path, 'too many terms in numeric range expression');
  if (bound >= top) fail(path, 'range lower bound must be less than upper bound');
}

function checkAnythingBut(arg: unknown, path: string): void {
  if (typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg))) return;
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(path, 'empty arrays are not allowed');
    const allStrings = arg.every((a) => typeof a === 'string');
    const allNumbers = arg.every((a) => typeof a === 'number' && Number.isFinite(a));
    if (!allStrings && !allNumbers) fail(path, 'anything-but list must be all strings or all numbers');
    return;
  }
  if (!isObject(arg)) return fail(path, 'anything-but must be a string, number, array or object');
  const entries = Object.entries(arg);
  const [op, operand] = entries[0] ?? [];
  if (op === undefined) fail(path, 'anything-but expression name not found');
  if (entries.length > 1) fail(path, 'only one key allowed in anything-but expression');
  const at = `${path}.${op}`;
  if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(op)) fail(path, `unsupported anything-but pattern "${op}"`);
  const operands: unknown[] = Array.isArray(operand) ? operand : [operand];
  if (operands.length === 0) fail(at, 'empty arrays are not allowed');
  operands.forEach((o) => {
    if (typeof o !== 'string') fail(at, `${op} must be a string or an array of strings`);
    if ((op === 'prefix' || op === 'suffix') && o === '') fail(at, `empty ${op} is not allowed`);
    if (op === 'wildcard') checkWildcard(o, at);
  });
}

// ----------------------------------------------------------------- helpers

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
