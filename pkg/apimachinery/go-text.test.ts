import { describe, expect, it } from 'vitest';
import { goByteLength, goCompareStrings, goFormatFloat, goJsonMarshal, goQuote } from './go-text.js';

describe('goQuote', () => {
  it.each([
    { name: 'wraps plain text in double quotes', input: 'abc', want: '"abc"' },
    { name: 'quotes the empty string', input: '', want: '""' },
    { name: 'escapes double quotes and backslashes', input: 'say "hi" \\o/', want: '"say \\"hi\\" \\\\o/"' },
    { name: 'uses short escapes for the C control characters', input: '\n\t\r\x07\x08\x0b\x0c', want: '"\\n\\t\\r\\a\\b\\v\\f"' },
    { name: 'uses \\x for other ASCII control characters and DEL', input: '\x00\x01\x7f', want: '"\\x00\\x01\\x7f"' },
    { name: 'keeps printable non-ASCII text as it is', input: 'é日本😀', want: '"é日本😀"' },
    { name: 'escapes the no-break space, which Go does not count as printable', input: '\u00a0', want: '"\\u00a0"' },
    { name: 'escapes format characters such as the soft hyphen and BOM', input: '\u00ad\ufeff', want: '"\\u00ad\\ufeff"' },
    { name: 'escapes the line separator', input: '\u2028', want: '"\\u2028"' },
    { name: 'prints a lone surrogate as the replacement character', input: 'a\udc00b', want: '"a\ufffdb"' },
  ])('$name', ({ input, want }) => {
    expect(goQuote(input)).toBe(want);
  });
});

describe('goFormatFloat', () => {
  it.each([
    { name: 'prints a simple fraction plainly', input: 0.5, want: '0.5' },
    { name: 'prints a negative fraction plainly', input: -2.25, want: '-2.25' },
    { name: 'keeps four leading fractional zeros plainly', input: 0.0001, want: '0.0001' },
    { name: 'switches to an exponent below 1e-4', input: 0.00001, want: '1e-05' },
    { name: 'keeps significant digits in a small exponent form', input: 1.5e-5, want: '1.5e-05' },
    { name: 'prints below a million plainly', input: 999999.9, want: '999999.9' },
    { name: 'switches to an exponent from a million on', input: 1234567.5, want: '1.2345675e+06' },
    { name: 'prints a huge value with a two-digit exponent', input: 1e21, want: '1e+21' },
    { name: 'spells infinities as Go does', input: -Infinity, want: '-Inf' },
  ])('$name', ({ input, want }) => {
    expect(goFormatFloat(input)).toBe(want);
  });
});

describe('goJsonMarshal', () => {
  it.each([
    { name: 'prints null for null', input: null, want: 'null' },
    { name: 'prints null for undefined, like a nil interface', input: undefined, want: 'null' },
    { name: 'prints an empty list as []', input: [], want: '[]' },
    { name: 'prints a list of numbers compactly', input: [1, 2], want: '[1,2]' },
    { name: 'sorts object keys as Go sorts map keys', input: { b: 1, a: 'x' }, want: '{"a":"x","b":1}' },
    { name: 'escapes HTML characters inside strings', input: { a: '<x>&' }, want: '{"a":"\\u003cx\\u003e\\u0026"}' },
    { name: 'escapes the line and paragraph separators', input: '\u2028\u2029', want: '"\\u2028\\u2029"' },
    { name: 'escapes control characters the way Go does', input: ['a\u0001\b'], want: '["a\\u0001\\b"]' },
    { name: 'leaves out undefined properties', input: { a: undefined, b: true }, want: '{"b":true}' },
    { name: 'marshals nested values recursively', input: { z: { y: [1, '&'] }, a: null }, want: '{"a":null,"z":{"y":[1,"\\u0026"]}}' },
    { name: 'prints a bigint as a bare number', input: 12345678901234567890n, want: '12345678901234567890' },
  ])('$name', ({ input, want }) => {
    expect(goJsonMarshal(input)).toBe(want);
  });
});

describe('goCompareStrings', () => {
  it.each([
    { name: 'orders ASCII strings byte-wise', a: 'B', b: 'a', want: -1 },
    { name: 'puts a prefix first', a: 'ab', b: 'abc', want: -1 },
    { name: 'calls equal strings equal', a: 'x', b: 'x', want: 0 },
    { name: 'puts a supplementary character after U+FFFF like UTF-8 does', a: '😀', b: '\uffff', want: 1 },
  ])('$name', ({ a, b, want }) => {
    expect(goCompareStrings(a, b)).toBe(want);
    expect(goCompareStrings(b, a)).toBe(-want || 0);
  });
});

describe('goByteLength', () => {
  it.each([
    { name: 'counts ASCII as one byte each', input: 'abc', want: 3 },
    { name: 'counts multi-byte characters in UTF-8 bytes', input: 'é😀', want: 6 },
  ])('$name', ({ input, want }) => {
    expect(goByteLength(input)).toBe(want);
  });
});
