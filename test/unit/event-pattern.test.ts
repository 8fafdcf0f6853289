import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesPattern, validatePattern } from '../../shared/events/pattern.ts';

type Case = { name: string; pattern: EventPattern; event: unknown; match: boolean };

// The EC2 sample event from the EventBridge user guide, extended with content-filtering fields.
const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    FileName: 'dir/image.PNG',
    responseElements: null,
    eventVersion: '',
    flag: true,
  },
};

function table(cases: Case[]) {
  it.each(cases)('$name', ({ pattern, event, match }) => {
    expect(validatePattern(pattern)).toEqual({ ok: true });
    expect(matchesPattern(pattern, event)).toBe(match);
  });
}

describe('matchesPattern: structure', () => {
  table([
    {
      name: 'guide example matches',
      pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } },
      event: ec2,
      match: true,
    },
    { name: 'fields absent from the pattern are ignored', pattern: { region: ['us-west-1'] }, event: ec2, match: true },
    { name: 'all fields must match (AND)', pattern: { source: ['aws.ec2'], region: ['eu-west-1'] }, event: ec2, match: false },
    { name: 'any alternative may match (OR)', pattern: { detail: { state: ['running', 'terminated'] } }, event: ec2, match: true },
    { name: 'no alternative matches', pattern: { detail: { state: ['running', 'pending'] } }, event: ec2, match: false },
    { name: 'string match is case-sensitive', pattern: { source: ['AWS.EC2'] }, event: ec2, match: false },
    { name: 'missing field does not match a value', pattern: { detail: { missing: ['x'] } }, event: ec2, match: false },
    { name: 'nested field matches', pattern: { detail: { 'instance-id': ['i-1234567890abcdef0'] } }, event: ec2, match: true },
    { name: 'deeply nested field', pattern: { a: { b: { c: ['d'] } } }, event: { a: { b: { c: 'd' } } }, match: true },
    { name: 'nested pattern vs leaf event value', pattern: { detail: { state: ['x'] } }, event: { detail: 'x' }, match: false },
    { name: 'leaf pattern vs object event value', pattern: { detail: ['x'] }, event: { detail: { state: 'x' } }, match: false },
    { name: 'number matches number', pattern: { detail: { 'c-count': [5] } }, event: ec2, match: true },
    { name: 'number matches equal float form', pattern: { n: [300] }, event: { n: 300.0 }, match: true },
    { name: 'number does not match numeric string', pattern: { detail: { 'c-count': ['5'] } }, event: ec2, match: false },
    { name: 'string does not match number', pattern: { n: [5] }, event: { n: '5' }, match: false },
    { name: 'boolean matches boolean', pattern: { detail: { flag: [true] } }, event: ec2, match: true },
    { name: 'boolean does not match string', pattern: { detail: { flag: ['true'] } }, event: ec2, match: false },
    { name: 'null matches null', pattern: { detail: { responseElements: [null] } }, event: ec2, match: true },
    { name: 'null does not match a missing field', pattern: { detail: { nothing: [null] } }, event: ec2, match: false },
    { name: 'null does not match empty string', pattern: { detail: { eventVersion: [null] } }, event: ec2, match: false },
    { name: 'empty string matches empty string', pattern: { detail: { eventVersion: [''] } }, event: ec2, match: true },
    { name: 'empty string does not match null', pattern: { detail: { responseElements: [''] } }, event: ec2, match: false },
    { name: 'non-object event with value pattern', pattern: { a: ['x'] }, event: 'x', match: false },
  ]);

  it('an empty pattern matches everything', () => {
    expect(matchesPattern({}, ec2)).toBe(true);
    expect(matchesPattern({}, {})).toBe(true);
  });
});

describe('matchesPattern: arrays in events', () => {
  const ev = { resources: ['arn:a', 'arn:b'], nums: [1, 2, 3], nested: [['x'], ['y', ['z']]], empty: [] };
  table([
    { name: 'intersection non-empty matches', pattern: { resources: ['arn:b', 'arn:c'] }, event: ev, match: true },
    { name: 'intersection empty does not match', pattern: { resources: ['arn:c'] }, event: ev, match: false },
    { name: 'operators apply to each element', pattern: { nums: [{ numeric: ['>', 2] }] }, event: ev, match: true },
    { name: 'no element satisfies operator', pattern: { nums: [{ numeric: ['>', 3] }] }, event: ev, match: false },
    { name: 'nested arrays are flattened', pattern: { nested: ['z'] }, event: ev, match: true },
    { name: 'empty array matches no value', pattern: { empty: ['x'] }, event: ev, match: false },
    { name: 'empty array counts as absent', pattern: { empty: [{ exists: false }] }, event: ev, match: true },
    {
      name: 'anything-but passes if any element is not excluded',
      pattern: { resources: [{ 'anything-but': 'arn:a' }] },
      event: ev,
      match: true,
    },
    {
      name: 'anything-but fails if every element is excluded',
      pattern: { resources: [{ 'anything-but': ['arn:a', 'arn:b'] }] },
      event: ev,
      match: false,
    },
  ]);

  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  table([
    {
      name: 'pattern object matches an element of an array of objects',
      pattern: { employees: { firstName: ['Anna'] } },
      event: employees,
      match: true,
    },
    {
      name: 'fields must match within the same element',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      match: false,
    },
    {
      name: 'fields from the same element match',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      match: true,
    },
    {
      name: 'multi-level arrays of objects',
      pattern: { employees: { firstName: ['Peter'] } },
      event: { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
      match: true,
    },
  ]);
});

describe('matchesPattern: prefix / suffix / equals-ignore-case', () => {
  table([
    { name: 'prefix matches', pattern: { time: [{ prefix: '2017-12-22' }] }, event: ec2, match: true },
    { name: 'prefix does not match', pattern: { time: [{ prefix: '2018' }] }, event: ec2, match: false },
    { name: 'prefix is case-sensitive', pattern: { source: [{ prefix: 'AWS.' }] }, event: ec2, match: false },
    { name: 'prefix ignores numbers', pattern: { detail: { 'c-count': [{ prefix: '5' }] } }, event: ec2, match: false },
    {
      name: 'prefix equals-ignore-case matches',
      pattern: { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] },
      event: ec2,
      match: true,
    },
    {
      name: 'prefix equals-ignore-case does not match',
      pattern: { source: [{ prefix: { 'equals-ignore-case': 'AZURE' } }] },
      event: ec2,
      match: false,
    },
    { name: 'suffix matches', pattern: { detail: { FileName: [{ suffix: '.PNG' }] } }, event: ec2, match: true },
    { name: 'suffix is case-sensitive', pattern: { detail: { FileName: [{ suffix: '.png' }] } }, event: ec2, match: false },
    {
      name: 'suffix equals-ignore-case matches',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: ec2,
      match: true,
    },
    {
      name: 'suffix equals-ignore-case does not match',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.jpg' } }] } },
      event: ec2,
      match: false,
    },
    { name: 'equals-ignore-case matches', pattern: { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, event: ec2, match: true },
    { name: 'equals-ignore-case needs the whole value', pattern: { source: [{ 'equals-ignore-case': 'AWS' }] }, event: ec2, match: false },
    {
      name: 'equals-ignore-case ignores non-strings',
      pattern: { detail: { flag: [{ 'equals-ignore-case': 'TRUE' }] } },
      event: ec2,
      match: false,
    },
  ]);
});

// Vectors from aws/event-ruler's ByteMachineTest: each character of the operand may appear in
// its lower- or upper-case form, and the value is not case-mapped.
describe('matchesPattern: equals-ignore-case for case mappings of several code points', () => {
  type Vector = { operand: string; matches: string[]; noMatches: string[] };
  const forms = {
    'equals-ignore-case': (operand: string) => ({ 'equals-ignore-case': operand }),
    prefix: (operand: string) => ({ prefix: { 'equals-ignore-case': operand } }),
    suffix: (operand: string) => ({ suffix: { 'equals-ignore-case': operand } }),
  };
  function vectors(form: keyof typeof forms, list: Vector[]) {
    table(
      list.flatMap(({ operand, matches, noMatches }) => [
        ...matches.map((v) => ({
          name: `${form} ${operand} matches ${v}`,
          pattern: { v: [forms[form](operand)] },
          event: { v },
          match: true,
        })),
        ...noMatches.map((v) => ({
          name: `${form} ${operand} does not match ${JSON.stringify(v)}`,
          pattern: { v: [forms[form](operand)] },
          event: { v },
          match: false,
        })),
      ]),
    );
  }
  // Escaped so that no editor normalises them: the decomposed forms are the point. The last
  // character of the operand is U+212A KELVIN SIGN, whose lower case is "k".
  const greek = '\u03b0\u0240\u0250\u0390\u03b0\u1fc6\u212a';
  const greekNoMatches = [
    '',
    '\u03a5\u0308\u0301\u023f\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342k',
    '\u03b0\u2c7e\u0250\u0399\u0308\u0301\u03b0\u1fc6\u212a',
  ];
  const greekForms = [
    '\u03a5\u0308\u0301\u0240\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342k',
    '\u03b0\u2c7f\u0250\u0399\u0308\u0301\u03b0\u1fc6\u212a',
    '\u03a5\u0308\u0301\u2c7f\u2c6f\u0399\u0308\u0301\u03a5\u0308\u0301\u1fc6k',
    '\u03b0\u0240\u0250\u0390\u03b0\u0397\u0342\u212a',
  ];
  const tail = '\u0308\u0301\u0240\u2c6f\u0390\u03a5\u0308\u0301\u0397\u0342';

  vectors('equals-ignore-case', [
    {
      operand: 'jAVa',
      matches: ['java', 'JAVA', 'Java', 'jAvA', 'jAVa', 'JaVa'],
      noMatches: ['JAV', 'jav', 'ava', 'AVA', 'JAVAx', 'javax', 'xJAVA', 'xjava'],
    },
    {
      operand: '1#$^sS我ŐaBc',
      matches: ['1#$^sS我ŐaBc', '1#$^Ss我ŐAbC'],
      noMatches: ['', '2#$^sS我ŐaBc', '1#%^sS我ŐaBc', '1#$^sS大ŐaBc', '1#$^sS我ŏaBc'],
    },
    { operand: '12ⱥ34', matches: ['12ⱥ34', '12Ⱥ34'], noMatches: ['', '12a34', '12A34'] },
    { operand: 'Ⱥ12', matches: ['ⱥ12', 'Ⱥ12'], noMatches: ['', 'a12', 'A12'] },
    { operand: '12Ⱥ', matches: ['12ⱥ', '12Ⱥ'], noMatches: ['', '12a', '12A'] },
    { operand: greek, matches: greekForms, noMatches: [...greekNoMatches, '\u03b0\u0240\u0250\u0390\u03b0\u1fc6K'] },
    // Lower-casing the upper form, or composing it, gives strings that do not match.
    { operand: '\u03b0', matches: ['\u03b0', '\u03a5\u0308\u0301'], noMatches: ['\u03cb\u0301', '\u03ab\u0301', '\u03a5'] },
    { operand: '\u0390', matches: ['\u0390', '\u0399\u0308\u0301'], noMatches: ['\u03ca\u0301', '\u03aa\u0301', '\u0399'] },
    { operand: 'ß', matches: ['ß', 'SS'], noMatches: ['ss', 'Ss', 'ẞ'] },
    { operand: 'SS', matches: ['ss', 'SS', 'sS'], noMatches: ['ß', 'ẞ'] },
  ]);
  vectors('prefix', [
    { operand: 'jAVa', matches: ['java', 'JAVA', 'jAvA', 'JavaScript', 'JAVAx'], noMatches: ['', 'JAV', 'ava', 'xjava'] },
    { operand: '12Ⱥ34', matches: ['12ⱥ34', '12Ⱥ34', '12ⱥ3478', '12Ⱥ34aa', '12Ⱥ34ⱥȺ'], noMatches: ['', '12a34', '12A34'] },
    { operand: '12ⱥ', matches: ['12ⱥ', '12Ⱥ', '12ⱥⱥⱥⱥⱥ', '12ȺȺȺȺ', '12ȺⱥⱥȺⱥⱥȺ'], noMatches: ['', '12a', '12A'] },
    { operand: greek, matches: [...greekForms, `${greekForms[0]}A${tail}`, `${greekForms[1]}a${tail}`], noMatches: greekNoMatches },
    { operand: 'ßa', matches: ['ßa', 'SSA', 'ßAb'], noMatches: ['ssa', 'SsA'] },
  ]);
  vectors('suffix', [
    {
      operand: 'jAVa',
      matches: ['java', 'JAVA', 'Java', 'helloJAVA', 'hijava', 'jjjjjjJaVa'],
      noMatches: ['', 'JAV', 'jav', 'ava', 'AVA', 'JAVAx', 'javax', 'jAV', 'AVa'],
    },
    {
      operand: '1#$^sS我ŐaBc',
      matches: ['aa1#$^sS我ŐaBc', '1111#$^Ss我ŐAbC', '我我1#$^Ss我ŐAbC'],
      noMatches: ['', '1#$^sS我ŐaBd', '1#%^sS我ŐaBc', '1#$^sS大ŐaBc', '1#$^sS我ŏaBc'],
    },
    { operand: 'ⱥ12', matches: ['ⱥ12', 'Ⱥ12', '34ⱥ12', 'abȺ12', 'ⱥⱥⱥ12', 'ⱥⱥȺ12'], noMatches: ['', 'a12', 'A12'] },
    { operand: '12Ⱥ', matches: ['12ⱥ', '12Ⱥ', 'ⱥⱥⱥⱥ12ⱥ', 'ȺȺȺ12Ⱥ', 'ⱥⱥȺⱥⱥȺ12Ⱥ'], noMatches: ['', '12a', '12A'] },
    { operand: greek, matches: [...greekForms, `A${tail}${greekForms[0]}`, `a${tail}${greekForms[1]}`], noMatches: greekNoMatches },
    { operand: 'aß', matches: ['xaß', 'xASS'], noMatches: ['xass', 'xASs'] },
  ]);

  table([
    {
      name: 'anything-but equals-ignore-case excludes the other case form',
      pattern: { v: [{ 'anything-but': { 'equals-ignore-case': 'ß' } }] },
      event: { v: 'SS' },
      match: false,
    },
    {
      name: 'anything-but equals-ignore-case keeps a lower-cased form it does not spell',
      pattern: { v: [{ 'anything-but': { 'equals-ignore-case': 'ß' } }] },
      event: { v: 'ss' },
      match: true,
    },
  ]);
});

describe('matchesPattern: anything-but', () => {
  table([
    {
      name: 'single string, different value',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: ec2,
      match: true,
    },
    { name: 'single string, same value', pattern: { detail: { state: [{ 'anything-but': 'terminated' }] } }, event: ec2, match: false },
    {
      name: 'string list excludes any listed value',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } },
      event: ec2,
      match: false,
    },
    {
      name: 'string list allows unlisted value',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: ec2,
      match: true,
    },
    { name: 'single number, same value', pattern: { detail: { 'c-count': [{ 'anything-but': 5 }] } }, event: ec2, match: false },
    { name: 'number list excludes', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 301.8] }] } }, event: ec2, match: false },
    { name: 'number list allows', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: ec2, match: true },
    { name: 'string exclusion does not exclude a number', pattern: { n: [{ 'anything-but': '5' }] }, event: { n: 5 }, match: true },
    { name: 'requires the field to be present', pattern: { detail: { missing: [{ 'anything-but': 'x' }] } }, event: ec2, match: false },
    { name: 'prefix: excluded', pattern: { region: [{ 'anything-but': { prefix: 'us-' } }] }, event: ec2, match: false },
    { name: 'prefix: allowed', pattern: { region: [{ 'anything-but': { prefix: 'eu-' } }] }, event: ec2, match: true },
    { name: 'prefix list: excluded', pattern: { region: [{ 'anything-but': { prefix: ['eu-', 'us-'] } }] }, event: ec2, match: false },
    { name: 'suffix: excluded', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } }, event: ec2, match: false },
    { name: 'suffix: allowed', pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, event: ec2, match: true },
    {
      name: 'equals-ignore-case: excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'TERMINATED' } }] } },
      event: ec2,
      match: false,
    },
    {
      name: 'equals-ignore-case list: allowed',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['RUNNING', 'Pending'] } }] } },
      event: ec2,
      match: true,
    },
    {
      name: 'wildcard: excluded',
      pattern: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { path: 'src/lib/a.ts' },
      match: false,
    },
    {
      name: 'wildcard: allowed',
      pattern: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { path: 'src/app/a.ts' },
      match: true,
    },
  ]);
});

describe('matchesPattern: numeric', () => {
  const cases: [string, unknown[], number | string, boolean][] = [
    ['> and <= inside range', ['>', 0, '<=', 5], 5, true],
    ['> and <= at the open bottom', ['>', 0, '<=', 5], 0, false],
    ['> and <= above range', ['>', 0, '<=', 5], 5.5, false],
    ['>= and < at the closed bottom', ['>=', 0, '<', 5], 0, true],
    ['>= and < at the open top', ['>=', 0, '<', 5], 5, false],
    ['< below', ['<', 10], 9.99, true],
    ['< equal', ['<', 10], 10, false],
    ['<= equal', ['<=', 10], 10, true],
    ['> above', ['>', 10], 11, true],
    ['>= below', ['>=', 10], 9, false],
    ['= equal via exponent form', ['=', 3.018e2], 301.8, true],
    ['= different', ['=', 300], 301.8, false],
    ['negative numbers', ['>', -10, '<', -5], -7, true],
    ['numeric string does not match', ['>', 0], '5', false],
  ];
  table(cases.map(([name, numeric, value, match]) => ({ name, pattern: { v: [{ numeric }] }, event: { v: value }, match })));
});

describe('matchesPattern: exists', () => {
  table([
    { name: 'exists:true on present leaf', pattern: { detail: { state: [{ exists: true }] } }, event: ec2, match: true },
    { name: 'exists:true on missing field', pattern: { detail: { gone: [{ exists: true }] } }, event: ec2, match: false },
    { name: 'exists:false on missing field', pattern: { detail: { gone: [{ exists: false }] } }, event: ec2, match: true },
    { name: 'exists:false on present leaf', pattern: { detail: { state: [{ exists: false }] } }, event: ec2, match: false },
    { name: 'exists:true on null value (present)', pattern: { detail: { responseElements: [{ exists: true }] } }, event: ec2, match: true },
    { name: 'exists:true does not match an intermediate object', pattern: { detail: [{ exists: true }] }, event: ec2, match: false },
    {
      name: 'exists:false matches an intermediate object (not a leaf)',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { detail: { 'c-count': { c1: 100 } } },
      match: true,
    },
    {
      name: 'exists:false when the parent object is missing',
      pattern: { detail: { state: [{ exists: false }] } },
      event: { source: 'x' },
      match: true,
    },
    { name: 'exists:true on non-empty array', pattern: { resources: [{ exists: true }] }, event: ec2, match: true },
    {
      name: 'exists:false combined with another field',
      pattern: { source: ['aws.ec2'], detail: { gone: [{ exists: false }] } },
      event: ec2,
      match: true,
    },
  ]);
});

describe('matchesPattern: wildcard', () => {
  const cases: [string, string, unknown, boolean][] = [
    ['star in the middle', 'Simple*Service', 'SimpleNotificationService', true],
    ['star matches empty', 'Simple*Service', 'SimpleService', true],
    ['literal parts must match', 'Simple*Service', 'SimpleQueue', false],
    ['leading star (suffix)', '*.png', 'dir/a.png', true],
    ['trailing star (prefix)', 'dir/*', 'other/a.png', false],
    ['several stars', 'dir/*/a*.png', 'dir/x/y/abc.png', true],
    ['several stars, order matters', 'a*b*c', 'acb', false],
    ['segments may not overlap', 'ab*ba', 'aba', false],
    ['no star is exact match', 'abc', 'abc', true],
    ['no star, different value', 'abc', 'abcd', false],
    ['escaped star is literal', 'a\\*b', 'a*b', true],
    ['escaped star is not a wildcard', 'a\\*b', 'axb', false],
    ['escaped backslash', 'a\\\\b', 'a\\b', true],
    ['only strings match', '*', 5, false],
  ];
  table(cases.map(([name, wildcard, value, match]) => ({ name, pattern: { v: [{ wildcard }] }, event: { v: value }, match })));
});

describe('matchesPattern: cidr', () => {
  const cases: [string, string, unknown, boolean][] = [
    ['address inside /24', '10.0.0.0/24', '10.0.0.255', true],
    ['address outside /24', '10.0.0.0/24', '10.0.1.0', false],
    ['/8 range', '10.0.0.0/8', '10.200.3.4', true],
    ['/31 range', '192.168.1.0/31', '192.168.1.1', true],
    ['/31 range outside', '192.168.1.0/31', '192.168.1.2', false],
    ['/0 matches any address', '0.0.0.0/0', '255.255.255.255', true],
    ['host bits in the rule are ignored', '10.0.0.77/24', '10.0.0.1', true],
    ['non-IP string', '10.0.0.0/24', 'ten', false],
    ['number value', '10.0.0.0/24', 10, false],
    ['IPv6 inside /35', '2600:1F14::/35', '2600:1f14:1fff:ffff:ffff:ffff:ffff:ffff', true],
    ['IPv6 just above /35', '2600:1F14::/35', '2600:1f14:2000::', false],
    ['IPv6 at the bottom of /35', '2600:1F14::/35', '2600:1F14:0:0:0:0:0:0', true],
    ['IPv6 case does not matter', '2001:db8::ff00:42:8329/24', '2001:DB8::FF00:42:8329', true],
    ['IPv6 outside /24', '2001:db8::/24', '2001:e00::1', false],
    ['IPv6 leading zeros', '2001:db8::/32', '2001:0db8:0000::0001', true],
    ['IPv6 /127', '2400:6500:FF00::36FB:1F80/127', '2400:6500:ff00::36fb:1f81', true],
    ['IPv6 /127 outside', '2400:6500:FF00::36FB:1F80/127', '2400:6500:ff00::36fb:1f82', false],
    ['IPv6 /0 matches any IPv6 address', '::/0', '::1', true],
    ['IPv6 range does not match IPv4', '::/0', '10.0.0.1', false],
    ['IPv4 range does not match IPv6', '0.0.0.0/0', '::1', false],
    ['IPv4-mapped IPv6 address is its IPv4 address', '10.0.0.0/24', '::ffff:a00:1', true],
    ['embedded dotted quad is not an address', '10.0.0.0/24', '::ffff:10.0.0.1', false],
    ['zone id is not an address', 'fe80::/10', 'fe80::1%eth0', false],
    ['two "::" is not an address', '::/0', '1::2::3', false],
    ['nine groups is not an address', '::/0', '1:2:3:4:5:6:7:8:9', false],
    ['"::" for no group is not an address', '::/0', '1:2:3:4:5:6:7:8::', false],
    ['five hex digits is not an address', '::/0', '12345::', false],
  ];
  table(cases.map(([name, cidr, value, match]) => ({ name, pattern: { ip: [{ cidr }] }, event: { ip: value }, match })));
});

// aws/event-ruler's MachineTest.testIpExactMatch: a string that is an IP address matches that address.
describe('matchesPattern: IP addresses as exact values', () => {
  const addresses = [
    '0011:2233:4455:6677:8899:aabb:ccdd:eeff',
    '2001:db8::ff00:42:8329',
    '::0',
    '::3',
    '::9',
    '::a',
    '::f',
    '2400:6500:FF00::36FB:1F80',
    '2400:6500:FF00::36FB:1F85',
    '2400:6500:FF00::36FB:1F89',
    '2400:6500:FF00::36FB:1F8C',
    '2400:6500:FF00::36FB:1F8F',
    '54.240.196.255',
    '255.255.255.255',
    '255.255.255.0',
    '255.255.255.5',
    '255.255.255.10',
    '255.255.255.16',
    '255.255.255.26',
    '255.255.255.27',
  ];
  const neighbours = [
    '0011:2233:4455:6677:8899:aabb:ccdd:eefe',
    '2001:db8::ff00:42:832a',
    '::1',
    '::4',
    '::8',
    '::b',
    '::e',
    '2400:6500:FF00::36FB:1F81',
    '2400:6500:FF00::36FB:1F86',
    '2400:6500:FF00::36FB:1F8a',
    '2400:6500:FF00::36FB:1F8D',
    '2400:6500:FF00::36FB:1F8E',
    '54.240.196.254',
    '255.255.255.254',
    '255.255.255.1',
    '255.255.255.6',
    '255.255.255.11',
    '255.255.255.17',
    '255.255.255.28',
    '255.255.255.29',
  ];
  it.each(addresses.map((ip, i) => [ip, neighbours[i]!]))('%s matches itself, not %s', (ip, neighbour) => {
    expect(matchesPattern({ ip: [ip] }, { ip })).toBe(true);
    expect(matchesPattern({ ip: [ip] }, { ip: neighbour })).toBe(false);
  });
  table([
    {
      name: 'another spelling of the same IPv6 address',
      pattern: { ip: ['2001:db8::1'] },
      event: { ip: '2001:0DB8:0:0:0:0:0:1' },
      match: true,
    },
    { name: 'IPv4-mapped spelling of an IPv4 address', pattern: { ip: ['10.0.0.1'] }, event: { ip: '::FFFF:a00:1' }, match: true },
    { name: 'a non-address that looks like one stays a string', pattern: { a: ['08:23'] }, event: { a: '08:23' }, match: true },
    {
      name: 'anything-but an address is a string comparison',
      pattern: { ip: [{ 'anything-but': '2001:db8::1' }] },
      event: { ip: '2001:DB8::1' },
      match: true,
    },
  ]);
});

describe('matchesPattern: $or', () => {
  const cw = { source: 'aws.cloudwatch', metricName: 'CPUUtilization', namespace: 'AWS/RDS', detail: { 'detail-type': 'Alarm' } };
  table([
    {
      name: 'one branch matches together with siblings',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      event: cw,
      match: true,
    },
    {
      name: 'sibling fails even though a branch matches',
      pattern: { source: ['aws.ec2'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
      event: cw,
      match: false,
    },
    {
      name: 'no branch matches',
      pattern: { $or: [{ metricName: ['ReadLatency'] }, { namespace: ['AWS/EC2'] }] },
      event: cw,
      match: false,
    },
    {
      name: 'branch with several fields (AND inside OR)',
      pattern: { $or: [{ metricName: ['ReadLatency'] }, { metricName: ['CPUUtilization'], namespace: ['AWS/RDS'] }] },
      event: cw,
      match: true,
    },
    {
      name: 'nested $or inside a branch',
      pattern: {
        $or: [{ scope: ['Service'] }, { namespace: ['AWS/RDS'], $or: [{ metricId: [1234] }, { metricName: ['CPUUtilization'] }] }],
      },
      event: cw,
      match: true,
    },
    {
      name: '$or inside a nested object',
      pattern: { detail: { $or: [{ source: ['x'] }, { 'detail-type': ['Alarm'] }] } },
      event: cw,
      match: true,
    },
    {
      name: 'parallel $or at two levels, one fails',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['x'] }, { 'detail-type': ['Other'] }] },
      },
      event: cw,
      match: false,
    },
    {
      name: 'branches may use content filters',
      pattern: { $or: [{ metricName: [{ prefix: 'CPU' }] }, { missing: [{ exists: true }] }] },
      event: cw,
      match: true,
    },
  ]);
});

describe('validatePattern', () => {
  it.each([
    { name: 'guide example', pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } } },
    {
      name: 'every operator',
      pattern: {
        a: [
          'x',
          1,
          true,
          null,
          { prefix: 'p' },
          { prefix: { 'equals-ignore-case': 'P' } },
          { suffix: 's' },
          { suffix: { 'equals-ignore-case': 'S' } },
        ],
        b: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b\\*' }, { cidr: '10.0.0.0/24' }, { cidr: '2600:1F14::/35' }, { exists: false }],
        c: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3] }, { numeric: ['<', 1] }, { numeric: ['>=', 1] }],
        d: [{ 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['a', 'b'] }, { 'anything-but': [1, 2] }],
        e: [
          { 'anything-but': { prefix: 'p' } },
          { 'anything-but': { suffix: ['s', 't'] } },
          { 'anything-but': { 'equals-ignore-case': 'X' } },
          { 'anything-but': { wildcard: '*/lib/*' } },
        ],
        $or: [{ f: ['1'] }, { g: { h: ['2'] } }],
      },
    },
  ])('accepts $name', ({ pattern }) => {
    expect(validatePattern(pattern)).toEqual({ ok: true });
  });

  it.each([
    { name: 'non-object pattern', pattern: ['x'], error: '$: event pattern must be a JSON object' },
    { name: 'null pattern', pattern: null, error: '$: event pattern must be a JSON object' },
    { name: 'empty pattern (EventBridge rejects {})', pattern: {}, error: '$: empty objects are not allowed' },
    { name: 'empty nested object', pattern: { detail: {} }, error: '$.detail: empty objects are not allowed' },
    { name: 'leaf value that is not an array', pattern: { source: 'aws.ec2' }, error: '$.source: must be an object or an array' },
    { name: 'nested leaf that is not an array', pattern: { detail: { state: 5 } }, error: '$.detail.state: must be an object or an array' },
    { name: 'empty array', pattern: { 'detail-type': [] }, error: '$.detail-type: empty arrays are not allowed' },
    {
      name: 'array inside a value array',
      pattern: { a: [['x']] },
      error: '$.a[0]: match value must be a string, number, boolean, null or operator object',
    },
    { name: 'unknown operator', pattern: { a: ['ok', { contains: 'x' }] }, error: '$.a[1]: unrecognized match type "contains"' },
    { name: 'empty operator object', pattern: { a: [{}] }, error: '$.a[0]: match expression name not found' },
    {
      name: 'two operators in one object',
      pattern: { a: [{ prefix: 'a', suffix: 'b' }] },
      error: '$.a[0]: only one key allowed in match expression',
    },
    {
      name: 'prefix not a string',
      pattern: { a: [{ prefix: 1 }] },
      error: '$.a[0].prefix: prefix must be a string or {"equals-ignore-case": string}',
    },
    {
      name: 'prefix with unknown modifier',
      pattern: { a: [{ prefix: { wildcard: 'x' } }] },
      error: '$.a[0].prefix: prefix must be a string or {"equals-ignore-case": string}',
    },
    {
      name: 'suffix not a string',
      pattern: { a: [{ suffix: ['x'] }] },
      error: '$.a[0].suffix: suffix must be a string or {"equals-ignore-case": string}',
    },
    {
      name: 'equals-ignore-case not a string',
      pattern: { a: [{ 'equals-ignore-case': 1 }] },
      error: '$.a[0].equals-ignore-case: equals-ignore-case must be a string',
    },
    { name: 'exists not boolean', pattern: { a: [{ exists: 'yes' }] }, error: '$.a[0].exists: exists must be true or false' },
    { name: 'numeric not an array', pattern: { a: [{ numeric: '>' }] }, error: '$.a[0].numeric: numeric must be an array' },
    {
      name: 'numeric unknown operator',
      pattern: { a: [{ numeric: ['!=', 1] }] },
      error: '$.a[0].numeric: unrecognized numeric operator "!="',
    },
    { name: 'numeric non-number bound', pattern: { a: [{ numeric: ['>', '1'] }] }, error: '$.a[0].numeric: value of > must be a number' },
    { name: 'numeric missing bound', pattern: { a: [{ numeric: ['>'] }] }, error: '$.a[0].numeric: value of > must be a number' },
    {
      name: 'numeric upper bound after <',
      pattern: { a: [{ numeric: ['<', 5, '>', 1] }] },
      error: '$.a[0].numeric: too many elements after <',
    },
    { name: 'numeric = with a range', pattern: { a: [{ numeric: ['=', 5, '<', 6] }] }, error: '$.a[0].numeric: too many elements after =' },
    {
      name: 'numeric second operator is a lower bound',
      pattern: { a: [{ numeric: ['>', 0, '>', 5] }] },
      error: '$.a[0].numeric: bad numeric range operator ">"',
    },
    {
      name: 'numeric range missing upper value',
      pattern: { a: [{ numeric: ['>', 0, '<'] }] },
      error: '$.a[0].numeric: value of < must be a number',
    },
    {
      name: 'numeric range too long',
      pattern: { a: [{ numeric: ['>', 0, '<', 5, '<', 6] }] },
      error: '$.a[0].numeric: too many terms in numeric range expression',
    },
    {
      name: 'numeric inverted range',
      pattern: { a: [{ numeric: ['>', 5, '<', 1] }] },
      error: '$.a[0].numeric: range lower bound must be less than upper bound',
    },
    { name: 'cidr not a string', pattern: { ip: [{ cidr: 10 }] }, error: '$.ip[0].cidr: cidr must be a string' },
    { name: 'cidr without mask', pattern: { ip: [{ cidr: '10.0.0.0' }] }, error: "$.ip[0].cidr: malformed CIDR, one '/' required" },
    {
      name: 'cidr bad mask',
      pattern: { ip: [{ cidr: '10.0.0.0/x' }] },
      error: '$.ip[0].cidr: malformed CIDR, mask bits must be a non-negative integer',
    },
    { name: 'cidr bad address', pattern: { ip: [{ cidr: '10.0.0.256/24' }] }, error: '$.ip[0].cidr: invalid IP address: 10.0.0.256' },
    { name: 'cidr /32', pattern: { ip: [{ cidr: '10.0.0.1/32' }] }, error: '$.ip[0].cidr: IPv4 mask bits must be < 32' },
    { name: 'cidr IPv6 /128', pattern: { ip: [{ cidr: '2001:db8::1/128' }] }, error: '$.ip[0].cidr: IPv6 mask bits must be < 128' },
    {
      name: 'cidr IPv6 /222',
      pattern: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/222' }] },
      error: '$.ip[0].cidr: IPv6 mask bits must be < 128',
    },
    {
      name: 'cidr IPv6 too many groups',
      pattern: { ip: [{ cidr: '2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122' }] },
      error: '$.ip[0].cidr: invalid IP address: 2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80',
    },
    {
      name: 'cidr IPv6 negative group',
      pattern: { ip: [{ cidr: '2400:6500:3:3:-5:3:3:3/122' }] },
      error: '$.ip[0].cidr: invalid IP address: 2400:6500:3:3:-5:3:3:3',
    },
    {
      name: 'cidr IPv4-mapped address is IPv4',
      pattern: { ip: [{ cidr: '::ffff:a00:0/96' }] },
      error: '$.ip[0].cidr: IPv4 mask bits must be < 32',
    },
    { name: 'wildcard not a string', pattern: { a: [{ wildcard: 1 }] }, error: '$.a[0].wildcard: wildcard must be a string' },
    {
      name: 'wildcard consecutive stars',
      pattern: { a: [{ wildcard: 'a**b' }] },
      error: '$.a[0].wildcard: consecutive wildcard characters at position 1',
    },
    {
      name: 'wildcard bad escape',
      pattern: { a: [{ wildcard: 'a\\b' }] },
      error: '$.a[0].wildcard: invalid escape character at position 1',
    },
    {
      name: 'anything-but null',
      pattern: { a: [{ 'anything-but': null }] },
      error: '$.a[0].anything-but: anything-but must be a string, number, array or object',
    },
    {
      name: 'anything-but boolean',
      pattern: { a: [{ 'anything-but': true }] },
      error: '$.a[0].anything-but: anything-but must be a string, number, array or object',
    },
    {
      name: 'anything-but empty list',
      pattern: { a: [{ 'anything-but': [] }] },
      error: '$.a[0].anything-but: empty arrays are not allowed',
    },
    {
      name: 'anything-but mixed list',
      pattern: { a: [{ 'anything-but': ['a', 1] }] },
      error: '$.a[0].anything-but: anything-but list must be all strings or all numbers',
    },
    {
      name: 'anything-but unsupported operator',
      pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      error: '$.a[0].anything-but: unsupported anything-but pattern "numeric"',
    },
    {
      name: 'anything-but empty object',
      pattern: { a: [{ 'anything-but': {} }] },
      error: '$.a[0].anything-but: anything-but expression name not found',
    },
    {
      name: 'anything-but empty prefix',
      pattern: { a: [{ 'anything-but': { prefix: '' } }] },
      error: '$.a[0].anything-but.prefix: empty prefix is not allowed',
    },
    {
      name: 'anything-but suffix number',
      pattern: { a: [{ 'anything-but': { suffix: 1 } }] },
      error: '$.a[0].anything-but.suffix: suffix must be a string or an array of strings',
    },
    {
      name: 'anything-but bad wildcard',
      pattern: { a: [{ 'anything-but': { wildcard: ['ok*', '**'] } }] },
      error: '$.a[0].anything-but.wildcard: consecutive wildcard characters at position 0',
    },
    { name: '$or not an array', pattern: { $or: { a: ['x'] } }, error: '$.$or: $or must be an array of objects' },
    { name: '$or with one branch', pattern: { $or: [{ a: ['x'] }] }, error: '$.$or: $or must contain at least 2 objects' },
    { name: '$or with a non-object branch', pattern: { $or: [{ a: ['x'] }, ['b']] }, error: '$.$or[1]: only objects are allowed in $or' },
    { name: '$or with an empty branch', pattern: { $or: [{ a: ['x'] }, {}] }, error: '$.$or[1]: empty objects are not allowed' },
    {
      name: 'bad leaf inside a $or branch',
      pattern: { detail: { $or: [{ a: ['x'] }, { b: 'y' }] } },
      error: '$.detail.$or[1].b: must be an object or an array',
    },
    {
      name: 'operator name used as field inside $or',
      pattern: { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
      error: '$.$or[0].numeric: "numeric" is a reserved word and cannot be used as a field name inside $or',
    },
  ])('rejects $name', ({ pattern, error }) => {
    expect(validatePattern(pattern)).toEqual({ ok: false, error });
  });
});
